package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.TextFiles;
import ai.marft.env.math.MathGrader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code marft grade}: decides whether predicted math answers equal gold answers, one JSON line per pair. */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = {"Grades answer pairs with the MATH/GSM8K grader.",
                "Input lines: {\"pred\": \"...\", \"gold\": \"...\", \"extract\": true?}; with extract the answer is first "
                        + "pulled out of pred (last \\boxed{}, \"The answer is\", last number).",
                "Output lines: {\"pred\", \"gold\", \"extracted\" (with extract), \"equal\"}."})
public final class GradeCommand implements Callable<Integer> {
    @Option(names = "--pairs", required = true, paramLabel = "FILE.jsonl", description = "JSONL file of pairs to grade.")
    Path pairs;

    @Option(names = "--timeout-ms", defaultValue = "3000", paramLabel = "MS",
            description = "Time bound of one symbolic check; a timeout counts as not equal (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    /** One input line. */
    record Pair(String pred, String gold, boolean extract) {}

    @Override
    public Integer call() {
        if (timeoutMs <= 0) throw new InputError("--timeout-ms must be positive, got " + timeoutMs);
        List<Pair> input = read(pairs);
        MathGrader grader = new MathGrader(Duration.ofMillis(timeoutMs));
        PrintStream out = System.out;
        long start = System.nanoTime();
        int equal = 0, done = 0;
        long lastReport = start;
        for (Pair p : input) {
            ObjectNode line = Json.MAPPER.createObjectNode().put("pred", p.pred()).put("gold", p.gold());
            String answer = p.pred();
            if (p.extract()) {
                answer = grader.extract(p.pred());
                line.put("extracted", answer);
            }
            boolean same = grader.equal(answer, p.gold());
            if (same) equal++;
            out.println(line.put("equal", same));
            done++;
            if (System.nanoTime() - lastReport > PROGRESS_EVERY_NANOS) { // long files: say how far we are
                lastReport = System.nanoTime();
                System.err.printf("graded %d/%d pairs%n", done, input.size());
            }
        }
        out.flush();
        System.err.printf("graded %d pairs: %d equal, %d symbolic timeouts, %.2f s%n",
                input.size(), equal, grader.timeouts(), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** Reads and validates every line first, so a malformed line stops the run before any output. */
    static List<Pair> read(Path file) {
        List<String> lines = TextFiles.readUtf8(file, "--pairs").lines().toList();
        List<Pair> pairs = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) continue;
            String where = file + ": line " + (n + 1);
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(lines.get(n));
            } catch (JsonProcessingException e) {
                throw new InputError(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (!node.isObject()) throw new InputError(where + ": not a JSON object");
            JsonNode extract = node.get("extract");
            if (extract != null && !extract.isBoolean()) throw new InputError(where + ": field 'extract' must be true or false");
            pairs.add(new Pair(text(where, node, "pred"), text(where, node, "gold"), extract != null && extract.asBoolean()));
        }
        return pairs;
    }

    private static String text(String where, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw new InputError(where + ": missing field '" + field + "'");
        if (!v.isTextual() && !v.isNumber()) throw new InputError(where + ": field '" + field + "' must be a string or a number");
        return v.asText();
    }
}
