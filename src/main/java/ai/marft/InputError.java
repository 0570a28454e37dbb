package ai.marft;

/**
 * A problem with what the user gave us (a missing file, a malformed profile, an unknown
 * architecture). The CLI prints its message as one line, without a stack trace, and exits 2.
 * The message must say what is wrong and where (file, record index, field, tensor name).
 */
public class InputError extends RuntimeException {
    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }
}
