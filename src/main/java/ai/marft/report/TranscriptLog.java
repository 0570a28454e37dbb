package ai.marft.report;

import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends episodes to a run's {@code transcripts.jsonl}, one JSON object per line:
 * <pre>{"iteration": 3, "env": 0, "problem": "What is 2 + 3?",
 *  "turns": [{"role": "planner", "prompt": "...", "action": "2 + 3 = 5"}, {"role": "solver", "action": "\\boxed{5}"}],
 *  "reward": 1.0, "correct": true}</pre>
 * ({@code prompt} only when given). At most {@code perIteration} episodes of one iteration are kept
 * (the first ones offered), so a long run's file stays small; each line is flushed, as metrics.jsonl.
 * On resume, the training loop moves the iterations the checkpoint does not cover aside, as it does metrics.
 */
public final class TranscriptLog implements AutoCloseable {
    public static final String FILE = "transcripts.jsonl";
    private final BufferedWriter out;
    private final int perIteration;
    private long lastIteration = Long.MIN_VALUE;
    private int keptThisIteration;

    /** Opens (appends to) {@code runDir/transcripts.jsonl}. */
    public TranscriptLog(Path runDir, int perIteration) {
        if (perIteration < 1) throw new IllegalArgumentException("perIteration must be at least 1, got " + perIteration);
        this.perIteration = perIteration;
        try {
            Files.createDirectories(runDir);
            out = Files.newBufferedWriter(runDir.resolve(FILE), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("opening " + runDir.resolve(FILE), e);
        }
    }

    /**
     * Logs one ended episode. {@code roles}, {@code prompts} (null, or null entries, for none) and
     * {@code actions} are parallel: one entry per turn, in order. Returns false when the iteration's
     * quota was already used (nothing written).
     */
    public boolean episode(long iteration, int env, String problem, List<String> roles, List<String> prompts, List<String> actions,
                           double reward, boolean correct) {
        if (roles.size() != actions.size() || prompts != null && prompts.size() != roles.size())
            throw new IllegalArgumentException("roles, prompts and actions must have one entry per turn");
        if (iteration != lastIteration) {
            lastIteration = iteration;
            keptThisIteration = 0;
        }
        if (keptThisIteration >= perIteration) return false;
        keptThisIteration++;
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("iteration", iteration).put("env", env).put("problem", problem);
        ArrayNode turns = o.putArray("turns");
        for (int t = 0; t < roles.size(); t++) {
            ObjectNode turn = turns.addObject().put("role", roles.get(t));
            if (prompts != null && prompts.get(t) != null) turn.put("prompt", prompts.get(t));
            turn.put("action", actions.get(t));
        }
        o.put("reward", reward).put("correct", correct);
        try {
            out.write(Json.MAPPER.writeValueAsString(o));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + FILE, e);
        }
        return true;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + FILE, e);
        }
    }
}
