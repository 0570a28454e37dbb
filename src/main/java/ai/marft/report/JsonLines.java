package ai.marft.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The complete lines of a JSONL file that a run may be appending to while the report reads it. */
final class JsonLines {
    private JsonLines() {}

    /** Lines ended by a newline; text after the last newline (a line still being written) is left out. */
    static List<String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        int end = text.lastIndexOf('\n');
        if (end < 0) return List.of();
        return new ArrayList<>(Arrays.asList(text.substring(0, end).split("\r?\n", -1)));
    }
}
