package ai.marft.jobs;

import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.env.Tasks;
import ai.marft.eval.EvalReport;
import ai.marft.eval.Evaluator;
import ai.marft.eval.EvaluatorOptions;
import ai.marft.report.CompareReport;
import ai.marft.report.RunReport;
import ai.marft.train.TrainRun;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.Problem;
import ai.marft.env.arith.ArithGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * {@code marft compare}: trains several variants of one run config on the embedded arith task with
 * the same wall-clock budget each, over several seeds, and measures each final team's held-out
 * accuracy with the {@link Evaluator} (one attempt per problem, the rollout's sampling). Variants:
 * {@code appo} (MARFT-A), {@code tppo} (MARFT-T), {@code grpo} (critic-free group baseline),
 * {@code solo} (MARFT-A on the one-agent team of the solo profiles), {@code abat} (MARFT-A trained
 * agent by agent, {@code agent_iteration_interval} = the abat interval), {@code appo_ref} (MARFT-A on
 * the reference's objective: {@code kl_coef} 0, the control for the KL penalty). Seed s of a variant uses
 * config seed + s. Training and held-out problems are the demo's ({@link Demo}). Writes
 * {@code out/compare.md} and {@code out/compare.json}; each run keeps its folder {@code out/<variant>/seed<s>}.
 */
public final class Compare {
    public static final List<String> VARIANTS = List.of("appo", "tppo", "grpo", "solo", "abat", "appo_ref");

    /**
     * How the comparison runs; {@code jobs}: runs at once, each in a child JVM at one tensor thread (1: one
     * after another in this JVM, with its threads).
     */
    public record Options(List<String> variants, double minutes, int seeds, int heldOut, int abatInterval, Path soloProfiles, int jobs) {
        public Options {
            if (jobs < 1) throw new InputError("--jobs must be at least 1, got " + jobs);
            for (String v : variants)
                if (!VARIANTS.contains(v)) throw new InputError("--variants: unknown variant '" + v + "' (expected some of " + VARIANTS + ")");
            if (variants.isEmpty()) throw new InputError("--variants: give at least one variant");
            if (!(minutes > 0)) throw new InputError("--minutes must be positive, got " + minutes);
            if (seeds < 1) throw new InputError("--seeds must be at least 1, got " + seeds);
            if (heldOut < 1) throw new InputError("--heldout must be at least 1, got " + heldOut);
            if (abatInterval < 1) throw new InputError("--abat-interval must be at least 1, got " + abatInterval);
        }
    }

    /** One trained run: its final held-out accuracy, iterations, training wall time and rollout tokens. */
    public record Run(String variant, long seed, double accuracy, int heldOut, long iterations, double trainSeconds, long tokens) {}

    /** Mean and sample standard deviation (n − 1; NaN for one value). */
    public record MeanStd(double mean, double std) {
        static MeanStd of(double[] x) {
            double mean = 0;
            for (double v : x) mean += v / x.length;
            if (x.length < 2) return new MeanStd(mean, Double.NaN);
            double sq = 0;
            for (double v : x) sq += (v - mean) * (v - mean);
            return new MeanStd(mean, Math.sqrt(sq / (x.length - 1)));
        }
    }

    private Compare() {}

    /** The overrides (reference option names) that make {@code variant} out of the base config. */
    static List<String> overrides(String variant, Options o) {
        return switch (variant) {
            case "appo" -> List.of("--algorithm_name", "APPO", "--agent_iteration_interval", "0");
            case "tppo" -> List.of("--algorithm_name", "TPPO", "--agent_iteration_interval", "0");
            case "grpo" -> List.of("--algorithm_name", "GRPO", "--agent_iteration_interval", "0");
            case "solo" -> List.of("--algorithm_name", "APPO", "--agent_iteration_interval", "0", "--profile_path", o.soloProfiles().toString());
            case "abat" -> List.of("--algorithm_name", "APPO", "--agent_iteration_interval", String.valueOf(o.abatInterval()));
            case "appo_ref" -> List.of("--algorithm_name", "APPO", "--agent_iteration_interval", "0", "--kl_coef", "0");
            default -> throw new InputError("unknown variant '" + variant + "'");
        };
    }

    /** The command line of a child JVM that runs only run {@code k} of the comparison (see {@link #runOnly}). */
    public interface ChildCommand {
        List<String> of(int k);
    }

    /** Every variant × seed with its config, checked before anything is written. */
    record Plan(List<String> names, List<TrainConfig> configs, Path trainFile) {
        /** "appo, seed 10 (1 of 12), 7.0 minutes": run k as the console names it. */
        String label(int k, double minutes) {
            return String.format(Locale.ROOT, "%s, seed %d (%d of %d), %.1f minutes", names.get(k), configs.get(k).seed, k + 1, configs.size(), minutes);
        }
    }

    /** Checks every input of a comparison (config, model, variants) without writing anything. */
    public static void check(Path configFile, Options o) {
        plan(configFile, o, Path.of("runs/compare"));
    }

    private static Plan plan(Path configFile, Options o, Path out) {
        Path trainFile = out.resolve("data/train.json");
        TrainConfig base = TrainConfigLoader.load(configFile, List.of("--dataset_path", trainFile.toString()));
        if (!Files.isRegularFile(Path.of(base.modelNameOrPath).resolve("config.json")))
            throw new InputError("config " + configFile + ": model " + base.modelNameOrPath + " is missing (no config.json)");
        List<String> names = new ArrayList<>();
        List<TrainConfig> configs = new ArrayList<>();
        for (String variant : o.variants())
            for (int s = 0; s < o.seeds(); s++) {
                List<String> args = new ArrayList<>(overrides(variant, o));
                Path dir = out.resolve(variant).resolve("seed" + s);
                args.addAll(List.of("--seed", String.valueOf(base.seed + s), "--run_dir", dir.toString(), "--dataset_path", trainFile.toString(),
                        "--env_name", "arith", "--use_eval", "false"));
                names.add(variant);
                configs.add(TrainConfigLoader.load(configFile, args));
            }
        return new Plan(names, configs, trainFile);
    }

    /**
     * Runs every variant × seed, writes the table after each run, returns the runs in order. With
     * {@code o.jobs() > 1} the runs go to child JVMs started by {@code child}, that many at once.
     */
    public static List<Run> run(Path configFile, Options o, Path out, PrintStream log, ChildCommand child) {
        Plan p = plan(configFile, o, out);
        Demo.Split split = Demo.split(o.heldOut());
        List<Problem> held = split.heldOut();
        Demo.write(p.trainFile(), split.train());
        if (o.jobs() > 1) return CompareJobs.run(p, o, out, log, child, runs -> written(out, configFile, o, runs));
        List<Run> runs = new ArrayList<>();
        for (int k = 0; k < p.configs().size(); k++) {
            log.println("compare: " + p.label(k, o.minutes()));
            runs.add(one(p.names().get(k), p.configs().get(k), o.minutes(), held, log));
            written(out, configFile, o, runs);
        }
        return runs;
    }

    /** The child's side of {@code --jobs}: trains and evaluates run {@code k} alone and writes its result to {@link #resultFile}. */
    public static void runOnly(Path configFile, Options o, Path out, int k, PrintStream log) {
        Plan p = plan(configFile, o, out);
        if (k < 0 || k >= p.configs().size()) throw new InputError("--run-only " + k + ": the comparison has runs 0 to " + (p.configs().size() - 1));
        if (!Files.isRegularFile(p.trainFile())) throw new InputError("--run-only: " + p.trainFile() + " is missing (the parent compare writes it)");
        log.println("compare: " + p.label(k, o.minutes()));
        Run r = one(p.names().get(k), p.configs().get(k), o.minutes(), Demo.split(o.heldOut()).heldOut(), log);
        try {
            Json.MAPPER.writeValue(resultFile(out, k).toFile(), r);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + resultFile(out, k), e);
        }
    }

    /** Where the child of run {@code k} writes its result. */
    static Path resultFile(Path out, int k) {
        return out.resolve("jobs").resolve("run" + k + ".json");
    }

    private static void written(Path out, Path configFile, Options o, List<Run> runs) {
        write(out, configFile, o, runs);
        CompareReport.write(out, RunReport.DEFAULT_SMOOTHING);
    }

    private static Run one(String variant, TrainConfig cfg, double minutes, List<Problem> held, PrintStream log) {
        try (TrainRun run = new TrainRun(cfg, null)) {
            long start = System.nanoTime();
            run.run(-1, minutes, log);
            double seconds = (System.nanoTime() - start) / 1e9;
            EvaluatorOptions opts = new EvaluatorOptions(held.size(), 1, Demo.HELDOUT_SEED, 1, EvaluatorOptions.DEFAULT_BATCH);
            EvalReport r = new Evaluator(run.trainer().policy(), Tasks.grader(cfg.envName)).run(held, opts, log);
            return new Run(variant, cfg.seed, r.accuracy(), r.n(), run.iteration(), seconds, rolloutTokens(run.runDir()));
        }
    }

    /** Sum of the {@code tokens} column of a run's metrics.jsonl. */
    static long rolloutTokens(Path runDir) {
        long n = 0;
        try {
            for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) n += Json.MAPPER.readTree(line).path("tokens").asLong();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + runDir.resolve("metrics.jsonl"), e);
        }
        return n;
    }

    /** The markdown table: per variant, mean ± std over seeds of held-out accuracy, iterations, training seconds, rollout tokens. */
    public static String table(List<Run> runs, Options o) {
        Map<String, List<Run>> by = new LinkedHashMap<>();
        for (Run r : runs) by.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "| variant | seeds | held-out accuracy (%d problems) | iterations | training wall s | rollout tokens |%n| --- | --- | --- | --- | --- | --- |%n",
                runs.isEmpty() ? o.heldOut() : runs.getFirst().heldOut()));
        by.forEach((v, rs) -> sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", v, rs.size(),
                fmt(MeanStd.of(rs.stream().mapToDouble(Run::accuracy).toArray()), "%.3f"),
                fmt(MeanStd.of(rs.stream().mapToDouble(Run::iterations).toArray()), "%.1f"),
                fmt(MeanStd.of(rs.stream().mapToDouble(Run::trainSeconds).toArray()), "%.0f"),
                fmt(MeanStd.of(rs.stream().mapToDouble(Run::tokens).toArray()), "%.0f"))));
        pairs(sb, by);
        return sb.toString();
    }

    /**
     * Each pair of variants over the seeds both ran: mean accuracy difference and a two-sided paired t-test
     * (seed s of one against seed s of the other: same held-out problems, same training problems), and
     * whether the difference exceeds the seed-to-seed noise at p &lt; 0.05. Nothing with fewer than 2 seeds.
     */
    static void pairs(StringBuilder sb, Map<String, List<Run>> by) {
        List<String> names = new ArrayList<>(by.keySet());
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < names.size(); i++)
            for (int j = i + 1; j < names.size(); j++) {
                List<Run> a = by.get(names.get(i)), b = by.get(names.get(j));
                int n = Math.min(a.size(), b.size());
                if (n < 2) continue;
                double[] x = a.subList(0, n).stream().mapToDouble(Run::accuracy).toArray(), y = b.subList(0, n).stream().mapToDouble(Run::accuracy).toArray();
                PairedTest t = PairedTest.of(x, y);
                rows.append(String.format(Locale.ROOT, "| %s − %s | %d | %+.1f | %.2f | %.3f | %s |%n", names.get(i), names.get(j), n,
                        100 * t.meanDifference(), t.t(), t.p(), t.p() < 0.05 ? "yes" : "no"));
            }
        if (rows.isEmpty()) return;
        sb.append(String.format(Locale.ROOT, "%n| pair | seeds | difference (points) | paired t | p (two-sided) | separates at p < 0.05 |%n| --- | --- | --- | --- | --- | --- |%n"))
                .append(rows);
    }

    private static String fmt(MeanStd m, String f) {
        return String.format(Locale.ROOT, f, m.mean()) + (Double.isNaN(m.std()) ? "" : String.format(Locale.ROOT, " ± " + f, m.std()));
    }

    private static void write(Path out, Path configFile, Options o, List<Run> runs) {
        String md = "# marft compare\n\n" + table(runs, o) + String.format(Locale.ROOT, """

                Config `%s`; %.2f minutes of training per run (wall clock; a run stops after the iteration that crosses it);
                seeds = config seed + 0..%d; held-out: %d arith problems (ArithGenerator seed %d, left out of the training set),
                one attempt each at the rollout's sampling; abat = APPO with agent_iteration_interval %d; solo profiles `%s`.
                Mean ± sample std over seeds.
                """, configFile, o.minutes(), o.seeds() - 1, o.heldOut(), Demo.HELDOUT_SEED, o.abatInterval(), o.soloProfiles());
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("config", configFile.toString()).put("minutes", o.minutes()).put("seeds", o.seeds()).put("heldout", o.heldOut())
                .put("abat_interval", o.abatInterval());
        ArrayNode rs = json.putArray("runs");
        for (Run r : runs) rs.add((JsonNode) Json.MAPPER.valueToTree(r));
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("compare.md"), md);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve("compare.json").toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the comparison into " + out, e);
        }
    }
}
