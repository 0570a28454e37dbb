package ai.marft.train;

import ai.marft.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Appends one JSON object per line to a metrics file and flushes each line, so a crash loses at
 * most the line being written. On resume, {@link #truncateAfter} drops lines of iterations that
 * the checkpoint does not cover, so the file reads as one uninterrupted run.
 */
public final class MetricsLog implements AutoCloseable {
    private final BufferedWriter out;

    public MetricsLog(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("opening metrics " + file, e);
        }
    }

    /** Writes {@code row} (insertion order kept) as one line. */
    public void append(Map<String, ?> row) {
        try {
            out.write(Json.MAPPER.writeValueAsString(row));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics", e);
        }
    }

    /** Keeps only lines whose {@code "iteration"} is at most {@code lastIteration}. */
    public static void truncateAfter(Path file, long lastIteration) {
        if (!Files.exists(file)) return;
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                var node = Json.MAPPER.readTree(line);
                if (node.path("iteration").asLong(Long.MAX_VALUE) <= lastIteration) kept.add(line);
            }
            Files.write(file, kept);
        } catch (IOException e) {
            throw new UncheckedIOException("truncating metrics " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing metrics", e);
        }
    }
}
