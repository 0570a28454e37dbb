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
 * Two held-out figures: the unseen set, drawn first ({@link ArithGenerator} seed {@value #HELDOUT_SEED},
 * distinct), whose texts are then left out of the training problems (seed {@value #TRAIN_SEED}), so no
 * problem of it is ever trained on; and the task's mix, fresh draws (seed {@value #MIX_SEED}) that may
 * also be training problems, as a user drawing new problems would meet them (most three-operand problems
 * are: there are only 2,916). Both follow the task's own mix of problem shapes.
 */
public final class Demo {
    static final long TRAIN_SEED = 1, HELDOUT_SEED = 424242, MIX_SEED = 777;
    static final int TRAIN_PROBLEMS = 20_000;

    /**
     * What the demo measured.
     *
     * @param before      unseen problems (none in the training set), base model
     * @param mixBefore   the task's mix (fresh draws; {@code mixInTraining} of them are training problems), base model
     */
    public record Result(EvalReport before, EvalReport after, EvalReport mixBefore, EvalReport mixAfter, int mixInTraining,
                         long iterations, double minutes, Path checkpoint, Path report) {
        /** The before/after table printed at the end: one column pair per held-out set. */
        public String table() {
            return String.format(Locale.ROOT, """
                    | 1 attempt per problem | unseen: %d problems, none trained on | 95%% CI | task's mix: %d fresh draws, %d also trained on | 95%% CI |
                    | --- | --- | --- | --- | --- |
                    | before (base model) | %s | %s |
                    | after MARFT-A (%d iterations, %.1f min) | %s | %s |
                    | change | %+.1f points | | %+.1f points | |
                    """, before.n(), mixBefore.n(), mixInTraining, cells(before), cells(mixBefore), iterations, minutes, cells(after),
                    cells(mixAfter), 100 * (after.accuracy() - before.accuracy()), 100 * (mixAfter.accuracy() - mixBefore.accuracy()));
        }

        private static String cells(EvalReport r) {
            double[] ci = r.ci95();
            return String.format(Locale.ROOT, "%.3f | [%.3f, %.3f]", r.accuracy(), ci[0], ci[1]);
        }
    }

    private Demo() {}

    /**
     * Checks the demo's inputs (settings, embedded model, budget, set size) without writing anything,
     * so that a command can claim its default folder only once they are known good.
     */
    public static void check(Path configFile, double minutes, int heldOut, Long seed) {
        checkInputs(config(configFile, Path.of("runs/demo"), false, seed), minutes, heldOut);
    }

    /**
     * @param configFile the demo's RL settings (configs/demo_arith.yaml)
     * @param minutes    training budget in minutes (wall clock)
     * @param heldOut    number of problems in each held-out set
     * @param seed       the run's seed, or null for the config's
     */
    public static Result run(Path configFile, Path out, double minutes, int heldOut, boolean overwrite, Long seed, PrintStream log) {
        TrainConfig cfg = config(configFile, out, overwrite, seed);
        if (RunFolder.hasRun(out) && !overwrite)
            throw new InputError("output folder " + out + " already holds a run: choose another --out, or pass --overwrite to replace it");
        checkInputs(cfg, minutes, heldOut);
        RunFolder.requireWritable(out, "output folder"); // creates it: only once every input is known good
        Path trainFile = out.resolve("data/train.json"), heldFile = out.resolve("data/heldout.json");
        Split split = split(heldOut);
        List<Problem> train = split.train(), held = split.heldOut(), mix = split.mix();
        write(trainFile, train);
        write(heldFile, held);
        write(out.resolve("data/mix.json"), mix);
        Set<String> trainTexts = new HashSet<>();
        train.forEach(p -> trainTexts.add(p.problem()));
        int mixInTraining = (int) mix.stream().filter(p -> trainTexts.contains(p.problem())).count();
        try (TrainRun run = new TrainRun(cfg, null)) {
            EvaluatorOptions opts = new EvaluatorOptions(held.size(), 1, HELDOUT_SEED, 1, EvaluatorOptions.DEFAULT_BATCH);
            log.println("demo: accuracy of the base model on " + held.size() + " unseen problems and " + mix.size() + " of the task's mix");
            TeamPolicy base = new TeamPolicy(run.team(), run.engine(), TeamPolicy.baseModel(run.team()), Algorithm.samplingParams(cfg));
            EvalReport before = new Evaluator(base, Tasks.grader(cfg.envName)).run(held, opts, log);
            EvalReport mixBefore = new Evaluator(base, Tasks.grader(cfg.envName)).run(mix, opts, log);
            log.printf(Locale.ROOT, "demo: training MARFT-A for %.1f minutes%n", minutes);
            long start = System.nanoTime();
            run.run(-1, minutes, log);
            double trained = (System.nanoTime() - start) / 60e9;
            log.println("demo: accuracy after training");
            EvalReport after = new Evaluator(run.trainer().policy(), Tasks.grader(cfg.envName)).run(held, opts, log);
            EvalReport mixAfter = new Evaluator(run.trainer().policy(), Tasks.grader(cfg.envName)).run(mix, opts, log);
            Path finalDir = run.saveCheckpoint(out.resolve("checkpoints").resolve("final"));
            after.writeJsonl(out.resolve("heldout_after.jsonl"));
            before.writeJsonl(out.resolve("heldout_before.jsonl"));
            mixAfter.writeJsonl(out.resolve("mix_after.jsonl"));
            mixBefore.writeJsonl(out.resolve("mix_before.jsonl"));
            String afterLabel = String.format(Locale.ROOT, "after MARFT-A (%d iterations, %.1f min)", run.iteration(), trained);
            BeforeAfter.writeAll(out, List.of(
                    table(String.format(Locale.ROOT, "unseen: %d problems, none trained on", before.n()), before, after, afterLabel),
                    table(String.format(Locale.ROOT, "task's mix: %d fresh draws, %d also trained on", mixBefore.n(), mixInTraining),
                            mixBefore, mixAfter, afterLabel)));
            RunReport.write(out, RunReport.DEFAULT_SMOOTHING);
            Result r = new Result(before, after, mixBefore, mixAfter, mixInTraining, run.iteration(), trained, finalDir, out.resolve("report.md"));
            writeReport(r, cfg, configFile);
            return r;
        }
    }

    private static void checkInputs(TrainConfig cfg, double minutes, int heldOut) {
        if (!(heldOut >= 1)) throw new InputError("--heldout must be at least 1, got " + heldOut);
        if (!(minutes > 0)) throw new InputError("--minutes must be positive, got " + minutes);
        Path model = Path.of(cfg.modelNameOrPath);
        if (!Files.isRegularFile(model.resolve("config.json")))
            throw new InputError("the embedded model " + model + " is missing (it is made by `marft pretrain --out models/tiny-arith --seed 1`): cannot run the demo");
    }

    /** The demo's settings: the config file with the run folder, its data files and the seed put in. */
    private static TrainConfig config(Path configFile, Path out, boolean overwrite, Long seed) {
        List<String> overrides = new ArrayList<>(List.of("--run_dir", out.toString(), "--dataset_path", out.resolve("data/train.json").toString(),
                "--eval_dataset_path", out.resolve("data/heldout.json").toString(), "--overwrite", String.valueOf(overwrite)));
        if (seed != null) overrides.addAll(List.of("--seed", seed.toString()));
        return TrainConfigLoader.load(configFile, overrides);
    }

    private static BeforeAfter table(String title, EvalReport before, EvalReport after, String afterLabel) {
        double[] b = before.ci95(), a = after.ci95();
        return new BeforeAfter(title, List.of(new BeforeAfter.Row("before (base model)", before.accuracy(), b[0], b[1], before.n()),
                new BeforeAfter.Row(afterLabel, after.accuracy(), a[0], a[1], after.n())));
    }

    /** The demo's problems: training and unseen sets with no problem text in common, and the task's mix (fresh draws). */
    record Split(List<Problem> train, List<Problem> heldOut, List<Problem> mix) {}

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
        ArithGenerator m = new ArithGenerator(MIX_SEED);
        Set<String> mixTexts = new HashSet<>();
        List<Problem> mix = new ArrayList<>();
        while (mix.size() < n) {
            Problem p = m.next();
            if (mixTexts.add(p.problem())) mix.add(p);
        }
        return new Split(train, held, mix);
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
                Unseen problems: `%s` (ArithGenerator seed %d, left out of the training set); the task's mix: `%s`
                (seed %d, fresh draws, %d of them also training problems); evaluation at the rollout's sampling, one
                attempt per problem, Wilson 95%% intervals.
                Final checkpoint: `%s`; metrics: `%s`.

                Check it on other problems: `bin/marft eval --checkpoint %s --dataset FILE`
                """, cfg.profilePath, String.join(" → ", r.before.roles()), cfg.modelNameOrPath, configFile, cfg.seed, cfg.temperature,
                cfg.topK, cfg.evalDatasetPath, HELDOUT_SEED, Path.of(cfg.runDir).resolve("data/mix.json"), MIX_SEED, r.mixInTraining, r.checkpoint, Path.of(cfg.runDir).resolve("metrics.jsonl"), r.checkpoint);
        try {
            Files.writeString(r.report(), text);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + r.report(), e);
        }
    }
}
