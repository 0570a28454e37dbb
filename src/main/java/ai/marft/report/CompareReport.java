package ai.marft.report;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code OUT/compare.html} for a {@code marft compare} output folder: the final table from
 * compare.json (per variant, mean ± sample std over seeds) and, per headline metric, each
 * variant's curve: every seed's series EMA-smoothed, then mean over seeds with a ±1 std band,
 * from the runs' {@code OUT/<variant>/seed<s>/metrics.jsonl}.
 */
public final class CompareReport {
    public static final String COMPARE_JSON = "compare.json", FILE = "compare.html";
    /** The metrics drawn per variant, when the runs logged them. */
    static final List<String> METRICS = List.of("reward_mean", "episodic_return", "accuracy", "eval_accuracy", "policy_loss", "approx_kl",
            "clip_fraction", "entropy", "value_loss", "tokens_per_s", "rss_mb");

    private CompareReport() {}

    /** Writes {@code dir/compare.html} and returns its path. */
    public static Path write(Path dir, double smoothing) {
        Path out = dir.resolve(FILE);
        RunReport.writeAtomically(out, html(dir, smoothing));
        return out;
    }

    public static String html(Path dir, double smoothing) {
        Path f = dir.resolve(COMPARE_JSON);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new InputError(f + ": not readable JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        Map<String, List<JsonNode>> byVariant = new LinkedHashMap<>();
        for (JsonNode r : json.path("runs")) byVariant.computeIfAbsent(r.path("variant").asText("?"), k -> new ArrayList<>()).add(r);
        StringBuilder b = new StringBuilder(Html.head("MARFT-J comparison: " + dir.getFileName()));
        b.append("<header><h1>Comparison: <code>").append(Html.esc(dir.toString())).append("</code></h1><p>config <code>")
                .append(Html.esc(json.path("config").asText())).append("</code> · ").append(Html.esc(json.path("minutes").asText())).append(" min per run · ")
                .append(Html.esc(json.path("seeds").asText())).append(" seeds · ").append(Html.esc(json.path("heldout").asText()))
                .append(" held-out problems</p></header>\n");
        table(b, byVariant);
        curves(b, dir, byVariant.keySet(), smoothing);
        runs(b, json);
        return b.append(Html.tail()).toString();
    }

    private static void table(StringBuilder b, Map<String, List<JsonNode>> byVariant) {
        b.append("<section id=\"summary\"><h2>Final table</h2><p class=\"note\">Mean ± sample std over seeds.</p>")
                .append("<table class=\"grid\" id=\"final\"><tr><th>variant</th><th>seeds</th><th>held-out accuracy</th><th>iterations</th>")
                .append("<th>training wall s</th><th>rollout tokens</th></tr>");
        byVariant.forEach((v, rs) -> b.append("<tr><td>").append(Html.esc(v)).append("</td><td>").append(rs.size()).append("</td><td>")
                .append(meanStd(rs, "accuracy", "%.3f")).append("</td><td>").append(meanStd(rs, "iterations", "%.1f")).append("</td><td>")
                .append(meanStd(rs, "trainSeconds", "%.0f")).append("</td><td>").append(meanStd(rs, "tokens", "%.0f")).append("</td></tr>"));
        b.append("</table></section>\n");
    }

    /** "mean ± std" of a field over runs (std over n − 1; left out for one run). */
    static String meanStd(List<JsonNode> rs, String field, String fmt) {
        double[] x = rs.stream().mapToDouble(r -> r.path(field).asDouble(Double.NaN)).toArray();
        double mean = 0;
        for (double v : x) mean += v / x.length;
        String s = String.format(Locale.ROOT, fmt, mean);
        if (x.length < 2) return s;
        double sq = 0;
        for (double v : x) sq += (v - mean) * (v - mean);
        return s + " ± " + String.format(Locale.ROOT, fmt, Math.sqrt(sq / (x.length - 1)));
    }

    private static void curves(StringBuilder b, Path dir, Iterable<String> variants, double smoothing) {
        Map<String, List<MetricsTable>> tables = new LinkedHashMap<>();
        for (String v : variants) tables.put(v, seedRuns(dir.resolve(v)).stream().map(d -> MetricsTable.read(d.resolve("metrics.jsonl"))).toList());
        b.append("<section id=\"curves\"><h2>Learning curves</h2><p class=\"note\">Per variant: each seed's series smoothed (EMA weight ")
                .append(Html.num(smoothing)).append("), then the mean over seeds (line) and ± one std (band).</p>\n<div class=\"charts\">\n");
        int id = 0;
        for (String metric : METRICS) {
            List<Charts.Line> lines = new ArrayList<>();
            tables.forEach((v, ts) -> {
                List<double[][]> runs = ts.stream().filter(t -> t.hasValues(metric))
                        .map(t -> new double[][]{t.iterations(), smoothing > 0 ? Ema.smooth(t.column(metric), smoothing) : t.column(metric)}).toList();
                if (runs.isEmpty()) return;
                SeedStats s = SeedStats.of(runs);
                lines.add(new Charts.Line(v + " (" + runs.size() + " seeds)", s.iterations(), s.mean(), s.low(), s.high()));
            });
            if (!lines.isEmpty()) RunReport.chart(b, "chart-" + id++, metric, lines, Charts.svg(metric, "iteration", lines, 0));
        }
        b.append("</div></section>\n");
    }

    /** {@code variantDir/seed<s>} folders holding a metrics.jsonl, by s. */
    static List<Path> seedRuns(Path variantDir) {
        if (!Files.isDirectory(variantDir)) return List.of();
        try (Stream<Path> s = Files.list(variantDir)) {
            return s.filter(p -> p.getFileName().toString().matches("seed\\d+") && Files.isRegularFile(p.resolve("metrics.jsonl")))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4)))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + variantDir, e);
        }
    }

    private static void runs(StringBuilder b, JsonNode json) {
        b.append("<section id=\"runs\"><h2>Runs</h2><table class=\"grid\"><tr><th>variant</th><th>seed</th><th>held-out accuracy</th>")
                .append("<th>iterations</th><th>training wall s</th><th>rollout tokens</th></tr>");
        for (JsonNode r : json.path("runs"))
            b.append("<tr><td>").append(Html.esc(r.path("variant").asText())).append("</td><td>").append(r.path("seed").asText()).append("</td><td>")
                    .append(Html.num(r.path("accuracy").asDouble(Double.NaN))).append("</td><td>").append(r.path("iterations").asText())
                    .append("</td><td>").append(Html.num(r.path("trainSeconds").asDouble(Double.NaN))).append("</td><td>")
                    .append(r.path("tokens").asText()).append("</td></tr>");
        b.append("</table></section>\n");
    }
}
