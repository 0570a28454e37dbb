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
 * The outcome of an evaluation: accuracy over all N × K episodes with its 95% Wilson interval,
 * per-agent well-formedness, throughput, and one record per episode.
 *
 * @param roles      agents in acting order
 * @param wellFormed per agent, the fraction of its actions that were well formed: for a graded agent,
 *                   an answer could be extracted; for the others, non-blank and ended with EOS
 * @param tokens     action tokens generated (EOS included)
 * @param seconds    wall time of the evaluation
 * @param records    one per episode, in dataset order, samples of a problem together
 */
public record EvalReport(EvaluatorOptions options, int correct, List<String> roles, double[] wellFormed, long tokens, double seconds,
                         List<EpisodeRecord> records) {
    /** z for a two-sided 95% interval. */
    static final double Z95 = 1.959963984540054;

    /** Number of episodes (N × K). */
    public int n() {
        return records.size();
    }

    public double accuracy() {
        return (double) correct / n();
    }

    /** 95% Wilson score interval of the accuracy (treats the K samples of a problem as independent). */
    public double[] ci95() {
        return wilson(correct, n(), Z95);
    }

    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }

    /** Wilson score interval for {@code successes} out of {@code n} trials at normal quantile z. */
    public static double[] wilson(long successes, long n, double z) {
        if (n <= 0 || successes < 0 || successes > n) throw new IllegalArgumentException(successes + " successes out of " + n);
        double p = (double) successes / n, z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z / (1 + z2n) * Math.sqrt(p * (1 - p) / n + z2n / (4.0 * n));
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /** The human-readable summary. */
    public String table() {
        double[] ci = ci95();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "accuracy     %.4f  (%d/%d)  95%% CI [%.4f, %.4f]%n", accuracy(), correct, n(), ci[0], ci[1]));
        sb.append(String.format(Locale.ROOT, "episodes     %d problems x %d samples, horizon %d%n", options.problems(), options.samples(), options.horizon()));
        sb.append("well-formed  per agent\n");
        int width = roles.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < roles.size(); i++)
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %.4f%n", roles.get(i), wellFormed[i]));
        sb.append(String.format(Locale.ROOT, "tokens       %d in %.1f s  (%.1f tokens/s)%n", tokens, seconds, tokensPerSecond()));
        return sb.toString();
    }

    /** The summary as one JSON object: accuracy, ci95, n, correct, problems, samples, horizon, well_formed, tokens, seconds, tokens_per_second. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        double[] ci = ci95();
        o.put("accuracy", accuracy());
        o.putArray("ci95").add(ci[0]).add(ci[1]);
        o.put("n", n()).put("correct", correct).put("problems", options.problems()).put("samples", options.samples()).put("horizon", options.horizon());
        ObjectNode wf = o.putObject("well_formed");
        for (int i = 0; i < roles.size(); i++) wf.put(roles.get(i), wellFormed[i]);
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
