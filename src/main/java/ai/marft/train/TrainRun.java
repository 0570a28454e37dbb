package ai.marft.train;

import ai.marft.algo.Algorithm;
import ai.marft.algo.Experience;
import ai.marft.algo.TeamEngines;
import ai.marft.mas.TeamPolicy;
import ai.marft.algo.UpdateStats;
import ai.marft.config.Options;
import ai.marft.progress.Budget;
import ai.marft.progress.Progress;
import ai.marft.report.RunReport;
import ai.marft.report.TranscriptLog;
import ai.marft.config.TrainConfig;
import ai.marft.env.Tasks;
import ai.marft.eval.EvalReport;
import ai.marft.eval.Evaluator;
import ai.marft.eval.EvaluatorOptions;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.Datasets;
import ai.marft.env.Grader;
import ai.marft.env.Problem;
import ai.marft.env.QaEnv;
import ai.marft.env.VecEnv;
import ai.marft.lm.ProcessMemory;
import ai.marft.lm.LmEngine;
import ai.marft.mas.Profiles;
import ai.marft.mas.Rollout;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Seeds;
import ai.marft.mas.Team;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run (MARFT.md §4–§6, §9; MARFT-A, MARFT-T or GRPO by {@code algorithm_name}): loads the model, team and dataset of a
 * {@link TrainConfig}, then per iteration rolls out, prepares the experience, runs the PPO update,
 * appends a line to {@code metrics.jsonl}, evaluates every {@code eval_interval} iterations and
 * checkpoints every {@code save_interval} (and at the end) under {@code <run>/checkpoints/steps_NNNN}.
 * Resuming from a checkpoint continues exactly where the uninterrupted run would be.
 *
 * <p>Random streams, all from the config seed: adapters and critic init {@code mix(seed, 2)},
 * problem order {@code mix(seed, 1)}, rollout of iteration k {@code mix(mix(seed, 4), k)}, minibatch
 * shuffling {@code mix(mix(seed, 5), k)}, evaluation {@code mix(seed, 3)}. The global step of the
 * agent schedule and warm-up is the number of completed iterations (one PPO update each).
 */
public final class TrainRun implements AutoCloseable {
    /** More iterations than a time-budgeted run can do: its bar shows time left instead of an ETA. */
    private static final long TIME_BOUND_ITERATIONS = 100_000;

    private final TrainConfig cfg;
    private final Path runDir;
    private final TeamEngines engines;
    private final Team team;
    private final Grader grader;
    private final EpochProblemSource source;
    private final List<ResumableEnv> envs = new ArrayList<>();
    private final VecEnv vec;
    private final Algorithm trainer;
    private final RolloutBackend rollouts;
    private final List<Problem> evalSet;
    private long iteration;
    /** Seconds of the wall-clock budget spent before this process took over (a resumed run's share). */
    private double budgetSpentBefore;
    /** The clock of the wall-clock budget; tests drive it by hand. */
    private java.util.function.LongSupplier clock = System::nanoTime;

    /** Sets a run up from {@code cfg}; with {@code resume} (a checkpoint folder) it continues that run. */
    public TrainRun(TrainConfig cfg, Path resume) {
        this.cfg = cfg;
        Options.validate(cfg, Map.of()); // a config built in code is checked as a loaded one
        this.runDir = Path.of(cfg.runDir != null ? cfg.runDir : "runs/" + cfg.experimentName);
        TrainerState state = resume == null ? null : Checkpoints.readState(resume);
        if (state != null && state.seed() != cfg.seed)
            throw new InputError("--resume " + resume + ": the checkpoint was trained with seed " + state.seed() + ", the options say "
                    + cfg.seed + " (a different seed is a different run: start it in another run_dir)");
        this.team = Profiles.load(Path.of(cfg.profilePath));
        List<Problem> dataset = Datasets.load(Path.of(cfg.datasetPath));
        this.grader = Tasks.grader(cfg.envName);
        this.evalSet = cfg.useEval ? Datasets.load(Path.of(cfg.evalDatasetPath)) : List.of();
        // GRPO compares samples of one problem: consecutive draws (envs) share it, group_size at a time
        this.source = new EpochProblemSource(dataset, Seeds.mix(cfg.seed, 1), "GRPO".equals(cfg.algorithmName) ? cfg.groupSize : 1);
        for (int e = 0; e < cfg.nRolloutThreads; e++)
            envs.add(new ResumableEnv(source, src -> new QaEnv(team.roles(), team.withAnswer(), grader, src, cfg.horizon)));
        this.vec = new VecEnv(envs);
        // one engine per distinct base (each agent's profile "model", else model_name_or_path), the critic's included
        this.engines = TeamEngines.load(TeamEngines.basesOf(team, Path.of(cfg.modelNameOrPath)),
                cfg.criticModel == null || cfg.criticModel.isBlank() ? null : Path.of(cfg.criticModel),
                ai.marft.lm.Devices.parse(cfg.device, "device"));
        try {
            if (engines.heterogeneous() && "openai".equals(cfg.rolloutBackend))
                throw new InputError("rollout_backend openai serves one base model; the profiles " + cfg.profilePath + " put agents on several");
            this.trainer = Algorithm.create(engines, team, cfg, Seeds.mix(cfg.seed, 2), resume);
            this.rollouts = RolloutBackend.of(cfg, engines.critic());
        } catch (RuntimeException e) {
            engines.close();
            throw e;
        }
        if (state != null) {
            if (state.envs().size() != envs.size())
                throw new InputError("checkpoint " + resume + " has " + state.envs().size() + " environments, the config asks for " + envs.size());
            iteration = state.iteration();
            budgetSpentBefore = state.budgetSecondsSpent();
            source.seek(state.problemEpoch(), state.problemPosition());
            for (int e = 0; e < envs.size(); e++) envs.get(e).restore(state.envs().get(e));
        }
        vec.reset();
        if (resume == null) RunFolder.prepareNew(runDir, cfg.overwrite);
        else RunFolder.requireWritable(runDir, "run folder");
    }

    /** Replaces the wall clock of the budget (nanoseconds), for tests. */
    void useClock(java.util.function.LongSupplier nanoClock) {
        this.clock = nanoClock;
    }


    public Path runDir() {
        return runDir;
    }

    public long iteration() {
        return iteration;
    }

    public Algorithm trainer() {
        return trainer;
    }

    /** The critic's base engine (for a single-base team: the one engine). */
    public LmEngine engine() {
        return engines.critic();
    }

    /** Every base of the team. */
    public TeamEngines engines() {
        return engines;
    }

    public Team team() {
        return team;
    }

    /**
     * Trains until {@code untilIteration} iterations are done (the config's total when &lt; 0) or
     * {@code maxMinutes} of wall time pass (0: no limit); ends with a checkpoint.
     *
     * @param progress where the progress bar goes (null: none)
     * @return the last checkpoint written
     */
    public Path run(long untilIteration, double maxMinutes, PrintStream progress) {
        long total = cfg.iterations(), until = untilIteration < 0 ? total : Math.min(untilIteration, total);
        double budget = maxMinutes * 60;
        long start = clock.getAsLong();
        Path metricsFile = runDir.resolve("metrics.jsonl");
        for (Path f : List.of(metricsFile, runDir.resolve(TranscriptLog.FILE))) {
            Path aside = MetricsLog.moveAsideAfter(f, iteration);
            if (aside != null && progress != null)
                progress.println("marft: lines after iteration " + iteration + " of the earlier run moved to " + aside);
        }
        writeSnapshot();
        Path last = null;
        boolean timeBound = budget > 0 && until - iteration > TIME_BOUND_ITERATIONS;
        Budget shown = new Budget(timeBound ? 0 : until, iteration, budget > 0 ? Math.max(1e-9, budget - budgetSpentBefore) : 0);
        try (StopSignal stop = StopSignal.install(); MetricsLog metrics = new MetricsLog(metricsFile);
             TranscriptLog transcripts = new TranscriptLog(runDir, cfg.transcriptsPerIteration);
             Progress bar = progress == null ? null : Progress.of("train", "iteration", shown, progress)) {
            while (iteration < until && (budget <= 0 || spent(start) < budget)) {
                double timeLeft = budget > 0 ? Math.max(0, 1 - spent(start) / budget) : 1;
                Map<String, Object> row = step(total, timeLeft, transcripts);
                last = null;
                if (cfg.useEval && cfg.evalInterval > 0 && iteration % cfg.evalInterval == 0) row.putAll(evaluate());
                metrics.append(row);
                if (cfg.saveInterval > 0 && iteration % cfg.saveInterval == 0) last = saveCheckpoint(checkpointDir(iteration), spent(start));
                if (bar != null) bar.iteration(iteration, (Double) row.get("reward_mean"),
                        row.get("accuracy") instanceof Double a ? a : Double.NaN, (Double) row.get("tokens_per_s"));
                if (cfg.reportInterval > 0 && iteration % cfg.reportInterval == 0) RunReport.write(runDir, RunReport.DEFAULT_SMOOTHING);
                if (stop.received() != null) {
                    Path at = last != null ? last : saveCheckpoint(checkpointDir(iteration), spent(start));
                    RunReport.write(runDir, RunReport.DEFAULT_SMOOTHING);
                    throw new Stopped(stop.received(), iteration, at, stop.exitCode());
                }
            }
        }
        RunReport.write(runDir, RunReport.DEFAULT_SMOOTHING);
        budgetSpentBefore = spent(start); // what a checkpoint written after this (the demo's final one) records
        return last != null ? last : saveCheckpoint(checkpointDir(iteration), budgetSpentBefore);
    }

    /** Seconds of the budget spent: before this process, and since {@code start}. */
    private double spent(long start) {
        return budgetSpentBefore + (clock.getAsLong() - start) / 1e9;
    }

    /** Linear LR decay: the fraction of the rates kept, by iterations done or wall-clock budget left, whichever is less. */
    static double decayFactor(long iteration, long total, double timeLeft) {
        return Math.max(0, Math.min(1 - (double) iteration / total, timeLeft));
    }

    /**
     * One iteration: rollout, experience, PPO update; returns its metrics row. With linear LR decay the
     * rates fall with whichever runs out first, iterations or the wall-clock budget ({@code timeLeft}:
     * the fraction left, 1 without a budget), so a time-bound run (the demo) ends at a small rate.
     */
    private Map<String, Object> step(long total, double timeLeft, TranscriptLog transcripts) {
        if (cfg.useLinearLrDecay) {
            double keep = decayFactor(iteration, total, timeLeft);
            trainer.parameters().setLearningRates(cfg.lr * keep, cfg.criticLr * keep);
        }
        long t0 = System.nanoTime();
        rollouts.beforeRollout(engines.critic(), team.roles(), iteration);
        TeamPolicy policy = engines.heterogeneous() ? trainer.parameters().policy(Algorithm.samplingParams(cfg))
                : trainer.parameters().policy(Algorithm.samplingParams(cfg), rollouts.generator());
        RolloutBatch batch = Rollout.run(policy, vec,
                cfg.episodeLength, Seeds.mix(Seeds.mix(cfg.seed, 4), iteration), cfg.routerPenalty);
        long t1 = System.nanoTime();
        UpdateStats stats;
        long[] t2 = new long[1];
        try (NDManager m = engines.critic().model().manager().newSubManager()) {
            stats = learn(trainer, m, batch, t2);
        }
        long t3 = System.nanoTime();
        iteration++;
        logEpisodes(batch, transcripts);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("iteration", iteration);
        row.putAll(RolloutStats.of(batch));
        row.putAll(stats.toMap(team.roles()));
        row.put("lr", trainer.parameters().agentOptimizer(0).learningRate());
        row.put("critic_lr", trainer.parameters().criticOptimizer().learningRate());
        row.put("tokens_per_s", batch.tokenCount() / ((t1 - t0) / 1e9));
        row.put("seconds_rollout", (t1 - t0) / 1e9);
        row.put("seconds_values", (t2[0] - t1) / 1e9);
        row.put("seconds_update", (t3 - t2[0]) / 1e9);
        // DJL copies every host<->native transfer through direct ByteBuffers whose native memory is freed
        // only when the GC collects them; with a large, quiet heap that lets RSS creep up ~1 MB per
        // iteration between collections. One collection per iteration (tens of ms), then handing the C heap's
        // free pages back, keeps it flat.
        long g0 = System.nanoTime();
        System.gc();
        ProcessMemory.trimNativeHeap();
        row.put("seconds_gc", (System.nanoTime() - g0) / 1e9);
        row.put("rss_mb", ProcessMemory.rssMegabytes());
        row.put("heap_mb", Runtime.getRuntime().totalMemory() / 1048576.0); // committed Java heap, part of rss_mb
        return row;
    }

    /**
     * The episodes that ended in this rollout, every agent's turn of every step, for the report's
     * transcript browser (an episode begun in an earlier iteration shows its turns of this one).
     */
    private void logEpisodes(RolloutBatch b, TranscriptLog transcripts) {
        for (int e = 0; e < b.envs(); e++) {
            List<String> roles = new ArrayList<>(), prompts = new ArrayList<>(), actions = new ArrayList<>();
            for (int t = 0; t < b.steps(); t++) {
                for (int i = 0; i < b.agents(); i++) {
                    if (!b.acted(t, e, i)) continue; // a router left this agent out
                    roles.add(team.roles().get(i));
                    prompts.add(b.action(t, e, i).observation());
                    actions.add(b.action(t, e, i).actionText());
                }
                if (!b.dones()[t][e]) continue;
                Map<String, Object> info = b.infos().get(t).get(e);
                transcripts.episode(iteration, e, String.valueOf(info.get(QaEnv.PROBLEM)), roles, prompts, actions,
                        info.get(ResumableEnv.EPISODE_RETURN) instanceof Double d ? d : Double.NaN, Boolean.TRUE.equals(info.get(QaEnv.CORRECT)));
                roles.clear();
                prompts.clear();
                actions.clear();
            }
        }
    }

    /** Prepare then update; {@code preparedAt[0]} receives the time the preparation ended. */
    private UpdateStats learn(Algorithm learner, NDManager m, RolloutBatch batch, long[] preparedAt) {
        Experience x = learner.prepare(m, batch);
        preparedAt[0] = System.nanoTime();
        return learner.update(x, globalStep(), Seeds.mix(Seeds.mix(cfg.seed, 5), iteration));
    }

    /**
     * The global step the agent schedule and the warm-up read: completed iterations (ours), or the
     * reference's environment-step count after this iteration (global_step: env_steps).
     */
    private long globalStep() {
        return "env_steps".equals(cfg.globalStep) ? (iteration + 1) * cfg.episodeLength * cfg.nRolloutThreads : iteration;
    }

    /** Accuracy of the trained team on the held-out set (one attempt per problem, the rollout's sampling). */
    public Map<String, Object> evaluate() {
        int n = Math.min(cfg.evalEpisodes, evalSet.size());
        EvalReport r = new Evaluator(trainer.policy(), grader).run(evalSet,
                new EvaluatorOptions(n, 1, Seeds.mix(cfg.seed, 3), 1, EvaluatorOptions.DEFAULT_BATCH), null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval_accuracy", r.accuracy());
        m.put("eval_ci95", List.of(r.ci95()[0], r.ci95()[1]));
        m.put("eval_n", r.n());
        return m;
    }

    /** {@code <run>/checkpoints/steps_NNNN}. */
    public Path checkpointDir(long iterations) {
        return runDir.resolve("checkpoints").resolve(Checkpoints.name(iterations));
    }

    /** Writes a complete checkpoint of the current state into {@code dir} (atomically), then prunes old ones. */
    public Path saveCheckpoint(Path dir) {
        return saveCheckpoint(dir, budgetSpentBefore);
    }

    private Path saveCheckpoint(Path dir, double budgetSpent) {
        List<ResumableEnv.Snapshot> snaps = envs.stream().map(ResumableEnv::snapshot).toList();
        TrainerState state = new TrainerState(iteration, cfg.seed, source.epoch(), source.position(), snaps, budgetSpent);
        AtomicDir.write(dir, staging -> {
            trainer.parameters().save(staging);
            Checkpoints.writeState(staging, state);
            Checkpoints.writeConfig(staging, cfg);
        });
        RunFolder.prune(runDir.resolve("checkpoints"), cfg.keepCheckpoints);
        return dir;
    }

    /** run_info.json: the config with seed, and the versions that produced the run. */
    private void writeSnapshot() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("config", Json.MAPPER.valueToTree(cfg));
        ObjectNode v = o.putObject("versions");
        v.put("marft", "0.1.0");
        v.put("java", Runtime.version().toString());
        v.put("djl", Engine.getDjlVersion());
        v.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        o.put("command", System.getProperty(RunReport.COMMAND_PROPERTY, ""));
        o.put("seed", cfg.seed);
        o.put("resumed_at_iteration", iteration);
        try {
            Files.createDirectories(runDir);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(runDir.resolve("run_info.json").toFile(), o);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + runDir.resolve("run_info.json"), e);
        }
    }

    @Override
    public void close() {
        trainer.close();
        engines.close();
    }
}
