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
 * most the line being written. On resume, {@link #moveAsideAfter} moves the lines of iterations
 * that the checkpoint does not cover to a file of their own, so this one reads as one uninterrupted run.
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

    /**
     * Keeps only lines whose {@code "iteration"} is at most {@code lastIteration} (a resumed run's
     * history reads as one uninterrupted run); the later lines move, unchanged, to
     * {@code <name>.after_steps_NNNN.jsonl} beside it (a numbered name if that exists), never deleted.
     * Any JSON-lines file of the run whose lines carry an {@code "iteration"} (metrics, transcripts).
     *
     * @return the file the later lines moved to, or null when there were none
     */
    public static Path moveAsideAfter(Path file, long lastIteration) {
        if (!Files.exists(file)) return null;
        try {
            List<String> kept = new ArrayList<>(), later = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                var node = Json.MAPPER.readTree(line);
                (node.path("iteration").asLong(Long.MAX_VALUE) <= lastIteration ? kept : later).add(line);
            }
            if (later.isEmpty()) return null;
            String base = file.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".after_" + Checkpoints.name(lastIteration);
            Path aside = file.resolveSibling(base + ".jsonl");
            for (int k = 2; Files.exists(aside); k++) aside = file.resolveSibling(base + "." + k + ".jsonl");
            Files.write(aside, later);
            Files.write(file, kept);
            return aside;
        } catch (IOException e) {
            throw new UncheckedIOException("moving aside metrics of " + file, e);
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
