package ai.marft.report;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two columns of the transcript browser. From {@code transcripts.jsonl} (training): episodes of
 * the first logged iteration beside those of the last. Without it, from a demo's
 * {@code heldout_before.jsonl} / {@code heldout_after.jsonl}: the same held-out problems before and
 * after training, row by row ({@code paired}).
 */
public record Transcripts(String source, String leftLabel, List<Episode> left, String rightLabel, List<Episode> right, boolean paired) {
    /** Episodes shown per column; the page stays small however long the run. */
    public static final int MAX_PER_COLUMN = 100;
    private static final Pattern TURN = Pattern.compile("^([A-Za-z_][\\w-]*): ?(.*)$");

    /** The run's transcripts, empty when it logged none. */
    public static Optional<Transcripts> read(Path runDir) {
        Path log = runDir.resolve(TranscriptLog.FILE);
        if (Files.isRegularFile(log)) {
            List<Episode> all = readLog(log);
            if (all.isEmpty()) return Optional.empty();
            long first = all.stream().mapToLong(Episode::iteration).min().orElseThrow();
            long last = all.stream().mapToLong(Episode::iteration).max().orElseThrow();
            return Optional.of(new Transcripts(TranscriptLog.FILE, "start of training (iteration " + first + ")", at(all, first),
                    "end of training (iteration " + last + ")", at(all, last), false));
        }
        Path before = runDir.resolve("heldout_before.jsonl"), after = runDir.resolve("heldout_after.jsonl");
        if (Files.isRegularFile(before) && Files.isRegularFile(after))
            return Optional.of(new Transcripts("heldout_before.jsonl, heldout_after.jsonl", "held-out, before training", readRecords(before, 0),
                    "held-out, after training", readRecords(after, 1), true));
        return Optional.empty();
    }

    private static List<Episode> at(List<Episode> all, long iteration) {
        return all.stream().filter(e -> e.iteration() == iteration).limit(MAX_PER_COLUMN).toList();
    }

    /** Lines of {@link TranscriptLog}'s format. */
    static List<Episode> readLog(Path file) {
        List<Episode> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines(file)) {
            lineNo++;
            if (line.isBlank()) continue;
            JsonNode o = parse(file, lineNo, line);
            List<Episode.Turn> turns = new ArrayList<>();
            for (JsonNode t : o.path("turns"))
                turns.add(new Episode.Turn(t.path("role").asText(), t.hasNonNull("prompt") ? t.get("prompt").asText() : null, t.path("action").asText()));
            out.add(new Episode(o.path("iteration").asLong(), o.path("env").asInt(), o.path("problem").asText(), turns,
                    o.path("reward").asDouble(Double.NaN), o.path("correct").asBoolean()));
        }
        return out;
    }

    /** The evaluator's per-problem records; {@code iteration} tells before (0) from after (1). */
    static List<Episode> readRecords(Path file, long iteration) {
        List<Episode> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines(file)) {
            lineNo++;
            if (line.isBlank() || out.size() >= MAX_PER_COLUMN) continue;
            JsonNode o = parse(file, lineNo, line);
            out.add(new Episode(iteration, o.path("index").asInt(), o.path("problem").asText(), turns(o.path("transcript").asText()),
                    o.path("score").asDouble(Double.NaN), o.path("correct").asBoolean()));
        }
        return out;
    }

    /**
     * The turns of an evaluator transcript: "role: text" lines (a line that does not start so
     * continues the turn before); the leading problem line is left out, it is shown as the problem.
     */
    static List<Episode.Turn> turns(String transcript) {
        List<String[]> turns = new ArrayList<>();
        for (String line : transcript.split("\n", -1)) {
            Matcher m = TURN.matcher(line);
            if (m.matches() && !m.group(1).equals("problem")) turns.add(new String[]{m.group(1), m.group(2)});
            else if (!turns.isEmpty() && !line.isEmpty()) turns.getLast()[1] += "\n" + line;
        }
        return turns.stream().map(t -> new Episode.Turn(t[0], null, t[1])).toList();
    }

    private static List<String> lines(Path file) {
        return JsonLines.read(file);
    }

    private static JsonNode parse(Path file, int lineNo, String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new InputError(file + " line " + lineNo + ": not JSON");
        }
    }
}
