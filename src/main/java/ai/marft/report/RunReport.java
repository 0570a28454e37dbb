package ai.marft.report;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code RUN_DIR/report.html}: one self-contained page (inline SVG charts, CSS and JS; no network)
 * made only from the run folder's files: summary and before/after table, learning curves of every
 * metrics.jsonl column (raw faint, EMA-smoothed solid), the transcript browser, and provenance
 * from run_info.json. The training loop may call {@link #write} at any time to refresh it.
 */
public final class RunReport {
    public static final String FILE = "report.html";
    /**
     * System property the CLI sets to the command line it runs ("marft train --config ..."): the
     * training loop copies it into run_info.json as {@code "command"}, which the report shows.
     */
    public static final String COMMAND_PROPERTY = "marft.command";
    /** TensorBoard's default smoothing weight. */
    public static final double DEFAULT_SMOOTHING = 0.6;

    private RunReport() {}

    /** Writes {@code runDir/report.html} (atomically: a reader never sees half a page) and returns its path. */
    public static Path write(Path runDir, double smoothing) {
        Path out = runDir.resolve(FILE);
        writeAtomically(out, html(runDir, smoothing));
        return out;
    }

    /** The page of {@code runDir}. */
    public static String html(Path runDir, double smoothing) {
        Path metricsFile = runDir.resolve("metrics.jsonl");
        if (!Files.isDirectory(runDir)) throw new InputError(runDir + ": no such run folder");
        if (!Files.isRegularFile(metricsFile) && !Files.isRegularFile(runDir.resolve("run_info.json")))
            throw new InputError(runDir + ": not a run folder (no metrics.jsonl, no run_info.json)");
        MetricsTable metrics = Files.isRegularFile(metricsFile) ? MetricsTable.read(metricsFile) : MetricsTable.of(List.of());
        JsonNode info = readInfo(runDir.resolve("run_info.json"));
        StringBuilder b = new StringBuilder(Html.head("MARFT-J run report: " + runDir.getFileName()));
        b.append("<header><h1>Run report: <code>").append(Html.esc(runDir.toString())).append("</code></h1><p>")
                .append(Html.esc(info.path("config").path("algorithm_name").asText("")))
                .append(metrics.rows() > 0 ? " · " + metrics.rows() + " iterations logged" : " · no iteration logged yet")
                .append(" · written ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))).append(" by <code>marft report</code></p>")
                .append("<nav><a href=\"#summary\">summary</a> <a href=\"#curves\">learning curves</a> <a href=\"#transcripts\">transcripts</a> ")
                .append("<a href=\"#provenance\">provenance</a></nav></header>\n");
        summary(b, metrics, BeforeAfter.read(runDir));
        curves(b, metrics, smoothing);
        transcripts(b, Transcripts.read(runDir));
        Provenance.append(b, info, runDir);
        return b.append(Html.tail()).toString();
    }

    private static JsonNode readInfo(Path f) {
        if (!Files.isRegularFile(f)) return Json.MAPPER.createObjectNode();
        try {
            return Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new InputError(f + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static void summary(StringBuilder b, MetricsTable m, List<BeforeAfter> tables) {
        b.append("<section id=\"summary\"><h2>Summary</h2>\n");
        for (BeforeAfter t : tables) beforeAfter(b, t);
        if (m.rows() > 0) {
            b.append("<table class=\"kv\"><tr><th>last iteration</th><td>").append(Html.num(m.iterations()[m.rows() - 1])).append("</td></tr>");
            for (String k : List.of("reward_mean", "episodic_return", "accuracy", "eval_accuracy", "tokens_per_s", "rss_mb"))
                if (m.hasValues(k)) b.append("<tr><th>").append(k).append(" (last logged)</th><td>").append(Html.num(last(m.column(k)))).append("</td></tr>");
            b.append("</table>\n");
        }
        b.append("</section>\n");
    }

    static void beforeAfter(StringBuilder b, BeforeAfter t) {
        b.append("<table class=\"grid before-after\"><tr><th>").append(Html.esc(t.title())).append("</th><th>accuracy</th><th>95% CI</th><th>n</th></tr>");
        for (BeforeAfter.Row r : t.rows())
            b.append("<tr><td>").append(Html.esc(r.label())).append("</td><td>").append(Html.num(r.accuracy())).append("</td><td>")
                    .append(Double.isNaN(r.ciLow()) ? "–" : "[" + Html.num(r.ciLow()) + ", " + Html.num(r.ciHigh()) + "]")
                    .append("</td><td>").append(r.n()).append("</td></tr>");
        if (t.rows().size() > 1)
            b.append("<tr class=\"change\"><td>change</td><td>").append(String.format(java.util.Locale.ROOT, "%+.1f points", t.changePoints()))
                    .append("</td><td></td><td></td></tr>");
        b.append("</table>\n");
    }

    private static double last(double[] x) {
        for (int i = x.length - 1; i >= 0; i--) if (!Double.isNaN(x[i])) return x[i];
        return Double.NaN;
    }

    private static void curves(StringBuilder b, MetricsTable m, double smoothing) {
        b.append("<section id=\"curves\"><h2>Learning curves</h2>\n<p class=\"note\">Over iterations; faint: each iteration's value, solid: ")
                .append("exponential moving average (weight ").append(Html.num(smoothing)).append(", debiased as TensorBoard does); evaluation accuracy ")
                .append("unsmoothed, with its 95% interval as a band. Every column of ")
                .append("<code>metrics.jsonl</code> is drawn.</p>\n");
        if (m.rows() == 0) b.append("<p>No iteration logged yet.</p>\n");
        int id = 0;
        for (MetricGroups.Section s : MetricGroups.of(m)) {
            b.append("<h3>").append(Html.esc(s.title())).append("</h3>\n<div class=\"charts\">\n");
            for (MetricGroups.Panel p : s.panels()) {
                List<Charts.Line> lines = new ArrayList<>();
                for (String k : p.series()) {
                    boolean band = p.hasBand() && k.equals(p.series().getFirst());
                    lines.add(new Charts.Line(k, m.iterations(), m.column(k), band ? m.column(p.bandLow()) : null, band ? m.column(p.bandHigh()) : null));
                }
                // an interval belongs to the value it was measured around: banded series are drawn unsmoothed
                chart(b, "chart-" + id++, p.title(), lines, Charts.svg(p.title(), "iteration", lines, p.hasBand() ? 0 : smoothing));
            }
            b.append("</div>\n");
        }
        b.append("</section>\n");
    }

    /**
     * A chart's box: the browser test finds every chart by its class and checks it has drawn pixels.
     * The label names title and series in text (XChart draws its labels as outlines, not text).
     */
    static void chart(StringBuilder b, String id, String title, List<Charts.Line> lines, String svg) {
        String label = title + ": " + String.join(", ", lines.stream().map(Charts.Line::name).toList());
        b.append("<figure class=\"chart\" id=\"").append(id).append("\" role=\"img\" aria-label=\"").append(Html.esc(label)).append("\">")
                .append(svg).append("</figure>\n");
    }

    private static void transcripts(StringBuilder b, Optional<Transcripts> t) {
        b.append("<section id=\"transcripts\"><h2>Transcripts</h2>\n");
        if (t.isEmpty()) {
            b.append("<p>This run logged no transcripts (<code>").append(TranscriptLog.FILE).append("</code>).</p></section>\n");
            return;
        }
        Transcripts tr = t.get();
        b.append("<p class=\"note\">From <code>").append(Html.esc(tr.source())).append("</code>")
                .append(tr.paired() ? "; each row is one problem before and after training." : ".").append("</p>\n")
                .append("<div class=\"filter\">show: <button data-filter=\"all\" class=\"on\">all</button> <button data-filter=\"correct\">correct</button> ")
                .append("<button data-filter=\"incorrect\">incorrect</button>")
                .append(tr.paired() ? " <button data-filter=\"fixed\">fixed by training</button> <button data-filter=\"broken\">broken by training</button>" : "")
                .append(" <span id=\"shown\"></span></div>\n<table class=\"episodes\"><tr><th>").append(Html.esc(tr.leftLabel())).append("</th><th>")
                .append(Html.esc(tr.rightLabel())).append("</th></tr>\n");
        int rows = Math.max(tr.left().size(), tr.right().size());
        for (int i = 0; i < rows; i++) {
            Episode l = i < tr.left().size() ? tr.left().get(i) : null, r = i < tr.right().size() ? tr.right().get(i) : null;
            String change = !tr.paired() || l == null || r == null || l.correct() == r.correct() ? "" : r.correct() ? "fixed" : "broken";
            b.append("<tr class=\"pair\" data-change=\"").append(change).append("\"><td>");
            episode(b, l, tr.paired());
            b.append("</td><td>");
            episode(b, r, tr.paired());
            b.append("</td></tr>\n");
        }
        b.append("</table></section>\n");
    }

    private static void episode(StringBuilder b, Episode e, boolean heldOut) {
        if (e == null) return;
        String outcome = e.correct() ? "correct" : "incorrect";
        b.append("<div class=\"ep ").append(outcome).append("\" data-outcome=\"").append(outcome).append("\"><div class=\"eph\"><span class=\"badge\">")
                .append(outcome).append("</span> reward ").append(Html.num(e.reward())).append(heldOut ? " · problem " : " · env ").append(e.env()).append("</div><div class=\"problem\">")
                .append(Html.esc(e.problem())).append("</div>");
        for (Episode.Turn t : e.turns()) {
            b.append("<div class=\"turn\"><span class=\"role\">").append(Html.esc(t.role())).append("</span>");
            if (t.prompt() != null) b.append("<details><summary>prompt</summary><pre>").append(Html.esc(t.prompt())).append("</pre></details>");
            b.append("<pre>").append(Html.esc(t.action())).append("</pre></div>");
        }
        b.append("</div>");
    }

    static void writeAtomically(Path out, String text) {
        try {
            Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + out, e);
        }
    }
}
