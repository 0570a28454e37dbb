package ai.marft.jobs;

import ai.marft.algo.Algorithm;
import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.env.Tasks;
import ai.marft.eval.EvalReport;
import ai.marft.eval.Evaluator;
import ai.marft.eval.EvaluatorOptions;
import ai.marft.report.BeforeAfter;
import ai.marft.report.RunReport;
import ai.marft.train.RunFolder;
import ai.marft.train.TrainRun;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.Problem;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.mas.TeamPolicy;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The main job ({@code marft demo}): the embedded tiny model and the arith planner/solver team,
 * held-out accuracy before, MARFT-A for a wall-clock budget, held-out accuracy after, a
 * before/after table, the final checkpoint ({@code out/checkpoints/final}) and {@code out/report.md}.
 * Held-out problems are drawn first ({@link ArithGenerator} seed {@value #HELDOUT_SEED}, distinct), then
 * training problems (seed {@value #TRAIN_SEED}) with every held-out text left out: both sets follow the
 * task's own mix of problem shapes, and no held-out problem is ever trained on.
 */
public final class Demo {
    static final long TRAIN_SEED = 1, HELDOUT_SEED = 424242;
    static final int TRAIN_PROBLEMS = 20_000;

    /** What the demo measured. */
    public record Result(EvalReport before, EvalReport after, long iterations, double minutes, Path checkpoint, Path report) {
        /** The before/after table printed at the end. */
        public String table() {
            double[] b = before.ci95(), a = after.ci95();
            return String.format(Locale.ROOT, """
                    | held-out (%d problems, 1 attempt) | accuracy | 95%% CI |
                    | --- | --- | --- |
                    | before (base model) | %.3f | [%.3f, %.3f] |
                    | after MARFT-A (%d iterations, %.1f min) | %.3f | [%.3f, %.3f] |
                    | change | %+.1f points | |
                    """, before.n(), before.accuracy(), b[0], b[1], iterations, minutes, after.accuracy(), a[0], a[1],
                    100 * (after.accuracy() - before.accuracy()));
        }
    }

    private Demo() {}

    /**
     * @param configFile the demo's RL settings (configs/demo_arith.yaml)
     * @param minutes    training budget in minutes (wall clock)
     * @param heldOut    number of held-out problems
     */
    public static Result run(Path configFile, Path out, double minutes, int heldOut, boolean overwrite, PrintStream log) {
        Path trainFile = out.resolve("data/train.json"), heldFile = out.resolve("data/heldout.json");
        TrainConfig cfg = TrainConfigLoader.load(configFile, List.of("--run_dir", out.toString(), "--dataset_path", trainFile.toString(),
                "--eval_dataset_path", heldFile.toString(), "--overwrite", String.valueOf(overwrite)));
        if (RunFolder.hasRun(out) && !overwrite)
            throw new InputError("output folder " + out + " already holds a run: choose another --out, or pass --overwrite to replace it");
        if (!(heldOut >= 1)) throw new InputError("--heldout must be at least 1, got " + heldOut);
        if (!(minutes > 0)) throw new InputError("--minutes must be positive, got " + minutes);
        Path model = Path.of(cfg.modelNameOrPath);
        if (!Files.isRegularFile(model.resolve("config.json")))
            throw new InputError("the embedded model " + model + " is missing (it is made by `marft pretrain --out models/tiny-arith --seed 1`): cannot run the demo");
        RunFolder.requireWritable(out, "output folder"); // creates it: only once every input is known good
        Split split = split(heldOut);
        List<Problem> train = split.train(), held = split.heldOut();
        write(trainFile, train);
        write(heldFile, held);
        try (TrainRun run = new TrainRun(cfg, null)) {
            EvaluatorOptions opts = new EvaluatorOptions(held.size(), 1, HELDOUT_SEED, 1, EvaluatorOptions.DEFAULT_BATCH);
            log.println("demo: held-out accuracy of the base model (" + held.size() + " problems)");
            TeamPolicy base = new TeamPolicy(run.team(), run.engine(), TeamPolicy.baseModel(run.team()), Algorithm.samplingParams(cfg));
            EvalReport before = new Evaluator(base, Tasks.grader(cfg.envName)).run(held, opts, log);
            log.printf(Locale.ROOT, "demo: training MARFT-A for %.1f minutes%n", minutes);
            long start = System.nanoTime();
            run.run(-1, minutes, log);
            double trained = (System.nanoTime() - start) / 60e9;
            log.println("demo: held-out accuracy after training");
            EvalReport after = new Evaluator(run.trainer().policy(), Tasks.grader(cfg.envName)).run(held, opts, log);
            Path finalDir = run.saveCheckpoint(out.resolve("checkpoints").resolve("final"));
            after.writeJsonl(out.resolve("heldout_after.jsonl"));
            before.writeJsonl(out.resolve("heldout_before.jsonl"));
            double[] b = before.ci95(), a = after.ci95();
            new BeforeAfter(String.format(Locale.ROOT, "held-out (%d problems, 1 attempt)", before.n()), List.of(
                    new BeforeAfter.Row("before (base model)", before.accuracy(), b[0], b[1], before.n()),
                    new BeforeAfter.Row(String.format(Locale.ROOT, "after MARFT-A (%d iterations, %.1f min)", run.iteration(), trained),
                            after.accuracy(), a[0], a[1], after.n()))).write(out);
            RunReport.write(out, RunReport.DEFAULT_SMOOTHING);
            Result r = new Result(before, after, run.iteration(), trained, finalDir, out.resolve("report.md"));
            writeReport(r, cfg, configFile);
            return r;
        }
    }

    /** The demo's problems: training and held-out sets with no problem text in common. */
    record Split(List<Problem> train, List<Problem> heldOut) {}

    /**
     * {@code n} distinct held-out problems, then {@value #TRAIN_PROBLEMS} training problems that are none
     * of them. (Leaving the training set's problems out of a held-out draw instead would keep only the
     * rarer, harder shapes: every three-operand problem occurs among 20,000 draws.)
     */
    static Split split(int n) {
        ArithGenerator g = new ArithGenerator(HELDOUT_SEED);
        Set<String> texts = new HashSet<>();
        List<Problem> held = new ArrayList<>();
        for (int tries = 0; held.size() < n; tries++) {
            if (tries > 100 * n) throw new IllegalStateException("cannot find " + n + " distinct arith problems");
            Problem p = g.next();
            if (texts.add(p.problem())) held.add(p);
        }
        ArithGenerator t = new ArithGenerator(TRAIN_SEED);
        List<Problem> train = new ArrayList<>(TRAIN_PROBLEMS);
        while (train.size() < TRAIN_PROBLEMS) {
            Problem p = t.next();
            if (!texts.contains(p.problem())) train.add(p);
        }
        return new Split(train, held);
    }

    static Path write(Path file, List<Problem> problems) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Problem p : problems) a.addObject().put("problem", p.problem()).put("final_answer", p.finalAnswer());
        try {
            Files.createDirectories(file.getParent());
            Json.MAPPER.writeValue(file.toFile(), a);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        return file;
    }

    private static void writeReport(Result r, TrainConfig cfg, Path configFile) {
        String text = "# MARFT-A demo\n\n" + r.table() + String.format(Locale.ROOT, """

                Team: %s (%s), model %s, RL settings %s (seed %d, sampling temperature %.2f, top-k %d).
                Held-out problems: `%s` (ArithGenerator seed %d, left out of the training set); evaluation at the
                rollout's sampling, one attempt per problem, Wilson 95%% intervals.
                Final checkpoint: `%s`; metrics: `%s`.

                Check it on other problems: `bin/marft eval --checkpoint %s --dataset FILE`
                """, cfg.profilePath, String.join(" → ", r.before.roles()), cfg.modelNameOrPath, configFile, cfg.seed, cfg.temperature,
                cfg.topK, cfg.evalDatasetPath, HELDOUT_SEED, r.checkpoint, Path.of(cfg.runDir).resolve("metrics.jsonl"), r.checkpoint);
        try {
            Files.writeString(r.report(), text);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + r.report(), e);
        }
    }
}
