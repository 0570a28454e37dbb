package ai.marft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a user's text file as UTF-8 with one-line {@link InputError}s: no such file, a folder, bytes
 * that are not UTF-8 (with the offset of the first bad one: {@code Files.readString} only says
 * "Input length = 1"), or the system's reason.
 */
public final class TextFiles {
    private TextFiles() {}

    /** The text of {@code file}; {@code what} names it in errors (e.g. {@code "dataset"}). */
    public static String readUtf8(Path file, String what) {
        if (Files.isDirectory(file)) throw new InputError(what + " " + file + ": is a folder, expected a file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputError(what + " " + file + ": no such file");
        } catch (IOException | SecurityException e) {
            throw new InputError(what + " " + file + ": cannot read (" + e.getMessage() + ")");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) { // the buffer stops at the first bad byte
            int at = in.position();
            throw new InputError(String.format(Locale.ROOT, "%s %s: not UTF-8 text (byte 0x%02X at offset %d, line %d); save it as UTF-8",
                    what, file, bytes[at] & 0xFF, at, line(bytes, at)));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static int line(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (bytes[i] == '\n') line++;
        return line;
    }
}
