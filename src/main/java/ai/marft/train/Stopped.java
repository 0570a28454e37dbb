package ai.marft.train;

import java.nio.file.Path;

/** A run stopped by a signal after writing its checkpoint; the CLI reports it in one line with the signal's exit code. */
public final class Stopped extends RuntimeException {
    private final int exitCode;

    Stopped(String signal, long iteration, Path checkpoint, int exitCode) {
        super("stopped by " + signal + " after iteration " + iteration + "; checkpoint " + checkpoint + " (continue with --resume "
                + checkpoint + ")");
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
