package ai.marft.eval;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of an evaluation: accuracy over all N × K episodes with its 95% interval (Wilson over
 * the N problems when K = 1; with K > 1 samples per problem, clustered by problem: see
 * {@link ProblemClusters}), pass@k for K > 1, per-agent well-formedness, throughput, and one record
 * per episode.
 *
 * @param roles      agents in acting order
 * @param wellFormed per agent, the fraction of its actions that were well formed: for a graded agent,
 *                   an answer could be extracted; for the others, non-blank and ended with EOS
 * @param tokens     action tokens generated (EOS included)
 * @param seconds    wall time of the evaluation
 * @param records    one per episode, in dataset order, samples of a problem together
 * @param routing    how a router routed the steps; null for a team without one
 */
public record EvalReport(EvaluatorOptions options, int correct, List<String> roles, double[] wellFormed, long tokens, double seconds,
                         List<EpisodeRecord> records, Routing routing) {
    /** A report of a team without a router. */
    public EvalReport(EvaluatorOptions options, int correct, List<String> roles, double[] wellFormed, long tokens, double seconds,
                      List<EpisodeRecord> records) {
        this(options, correct, roles, wellFormed, tokens, seconds, records, null);
    }

    /** z for a two-sided 95% interval. */
    static final double Z95 = 1.959963984540054;

    /** Number of episodes (N × K). */
    public int n() {
        return records.size();
    }

    /** Fraction of episodes correct; with K samples of every problem, also the mean of the per-problem fractions. */
    public double accuracy() {
        return (double) correct / n();
    }

    /**
     * 95% interval of the accuracy: Wilson's over the N problems when K = 1; with K > 1, Wilson's at
     * the effective number of independent trials that the between-problem spread implies (from N to
     * N × K), since the K samples of one problem are not independent.
     */
    public double[] ci95() {
        return accuracyEstimate().ci95();
    }

    /** The accuracy as pass@1 over problems, with its clustered interval and effective number of trials. */
    public ProblemClusters.Estimate accuracyEstimate() {
        return ProblemClusters.estimate(correctPerProblem(), options.samples(), 1);
    }

    /** pass@k for k = 1, 2, 4, ... and K (unbiased estimator, clustered intervals); empty when K = 1. */
    public List<ProblemClusters.Estimate> passAtK() {
        if (options.samples() == 1) return List.of();
        int[] c = correctPerProblem();
        return ProblemClusters.reportedK(options.samples()).stream().map(k -> ProblemClusters.estimate(c, options.samples(), k)).toList();
    }

    /** Correct samples of each problem, by its index. */
    public int[] correctPerProblem() {
        int[] c = new int[options.problems()];
        for (EpisodeRecord r : records) if (r.correct()) c[r.index()]++;
        return c;
    }

    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }

    /** Wilson score interval for {@code successes} out of {@code n} trials at normal quantile z. */
    public static double[] wilson(long successes, long n, double z) {
        if (n <= 0 || successes < 0 || successes > n) throw new IllegalArgumentException(successes + " successes out of " + n);
        return wilson((double) successes / n, n, z);
    }

    /** Wilson score interval for a proportion {@code p} observed over {@code n} (possibly effective, fractional) trials. */
    public static double[] wilson(double p, double n, double z) {
        if (!(n > 0) || !(p >= 0 && p <= 1)) throw new IllegalArgumentException("proportion " + p + " over " + n + " trials");
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z / (1 + z2n) * Math.sqrt(p * (1 - p) / n + z2n / (4.0 * n));
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /** The human-readable summary. */
    public String table() {
        double[] ci = ci95();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "accuracy     %.4f  (%d/%d)  95%% CI [%.4f, %.4f]%n", accuracy(), correct, n(), ci[0], ci[1]));
        if (options.samples() > 1)
            sb.append(String.format(Locale.ROOT, "             CI clustered by problem: worth %.1f independent episodes of %d%n", accuracyEstimate().effectiveN(), n()));
        sb.append(String.format(Locale.ROOT, "episodes     %d problems x %d samples, horizon %d%n", options.problems(), options.samples(), options.horizon()));
        for (ProblemClusters.Estimate e : passAtK())
            sb.append(String.format(Locale.ROOT, "pass@%-7d %.4f  95%% CI [%.4f, %.4f]%n", e.k(), e.value(), e.ci95()[0], e.ci95()[1]));
        sb.append("well-formed  per agent\n");
        int width = roles.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < roles.size(); i++)
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %.4f%n", roles.get(i), wellFormed[i]));
        if (routing != null) sb.append(routing.table());
        sb.append(String.format(Locale.ROOT, "tokens       %d in %.1f s  (%.1f tokens/s)%n", tokens, seconds, tokensPerSecond()));
        return sb.toString();
    }

    /** The summary as one JSON object: accuracy, ci95, ci95_effective_n, pass_at_k (K > 1: {k: {estimate, ci95, effective_n}}), n, correct, problems, samples, horizon, well_formed, routing (with a router: steps, fallbacks, routes {label: share}, accuracy {label: share correct}), tokens, seconds, tokens_per_second. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        double[] ci = ci95();
        o.put("accuracy", accuracy());
        o.putArray("ci95").add(ci[0]).add(ci[1]);
        o.put("ci95_effective_n", accuracyEstimate().effectiveN());
        if (options.samples() > 1) {
            ObjectNode pass = o.putObject("pass_at_k");
            for (ProblemClusters.Estimate e : passAtK()) {
                ObjectNode one = pass.putObject(String.valueOf(e.k())).put("estimate", e.value());
                one.putArray("ci95").add(e.ci95()[0]).add(e.ci95()[1]);
                one.put("effective_n", e.effectiveN());
            }
        }
        o.put("n", n()).put("correct", correct).put("problems", options.problems()).put("samples", options.samples()).put("horizon", options.horizon());
        ObjectNode wf = o.putObject("well_formed");
        for (int i = 0; i < roles.size(); i++) wf.put(roles.get(i), wellFormed[i]);
        if (routing != null) routing.toJson(o.putObject("routing"));
        o.put("tokens", tokens).put("seconds", seconds).put("tokens_per_second", tokensPerSecond());
        return o;
    }

    /** Writes one JSON line per episode (see {@link EpisodeRecord#toJson()}). */
    public void writeJsonl(Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            try (BufferedWriter w = Files.newBufferedWriter(file)) {
                for (EpisodeRecord r : records) {
                    w.write(Json.MAPPER.writeValueAsString(r.toJson()));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new InputError("cannot write " + file + " (" + e.getMessage() + ")");
        }
    }
}
