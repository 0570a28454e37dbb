package ai.marft.cli;

import ai.marft.Json;
import ai.marft.env.Datasets;
import ai.marft.env.Problem;
import ai.marft.env.math.AnswerExtractor;
import ai.marft.env.math.MathGrader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code marft bench-grade}: grader throughput on a MATH file: every gold answer against itself,
 * and against the last box of its own solution (the harder half: different spellings of one value).
 */
@Command(name = "bench-grade", mixinStandardHelpOptions = true,
        description = "Times the math grader: each answer against itself and against its solution's \\boxed{} answer.")
public final class BenchGradeCommand implements Callable<Integer> {
    @Option(names = "--file", defaultValue = "../shared/data/math/math_test500.jsonl", paramLabel = "FILE",
            description = "MATH-style JSONL with 'answer' and 'solution' (default ${DEFAULT-VALUE}).")
    Path file;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        List<Problem> problems = Datasets.load(file);
        List<String> solutions = Datasets.records(file).stream()
                .map(r -> r.hasNonNull("solution") ? r.get("solution").asText() : null).toList();
        MathGrader grader = new MathGrader();
        int self = 0, boxed = 0, boxedChecks = 0;
        for (Problem p : problems) if (grader.equal(p.finalAnswer(), p.finalAnswer())) self++;
        long afterSelf = System.nanoTime();
        for (int i = 0; i < problems.size(); i++) {
            String box = solutions.get(i) == null ? null : AnswerExtractor.lastBoxed(solutions.get(i));
            if (box == null) continue;
            boxedChecks++;
            if (grader.equal(box, problems.get(i).finalAnswer())) boxed++;
        }
        long end = System.nanoTime();
        int checks = problems.size() + boxedChecks;
        var report = Json.MAPPER.createObjectNode()
                .put("file", file.toString())
                .put("self_checks", problems.size()).put("self_equal", self)
                .put("self_seconds", (afterSelf - start) / 1e9)
                .put("solution_checks", boxedChecks).put("solution_equal", boxed)
                .put("solution_seconds", (end - afterSelf) / 1e9)
                .put("seconds", (end - start) / 1e9)
                .put("checks_per_second", checks / ((end - start) / 1e9))
                .put("symbolic_timeouts", grader.timeouts());
        System.out.println(report);
        return 0;
    }
}
