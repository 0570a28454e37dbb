package ai.marft.report;

import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fixture run's report in a real browser (Debian's headless Chromium; .ci/run installs it
 * through bin/setup-browser). A probe script added to a copy of the page records JavaScript errors
 * (window errors, rejected promises, console.error), each chart's box, and what the outcome filter
 * shows after a click; --dump-dom reads it back. A screenshot of the whole page then must have
 * drawn pixels, the first series' blue among them, inside every chart's box.
 */
@Tag("browser")
class ReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final int WIDTH = 1200;

    @TempDir
    Path tmp;

    @Test
    void everyChartRendersAndThePageLogsNoError() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is absent (/usr/bin/chromium): bin/setup-browser installs it, as root");
        Path page = RunReport.write(ReportFixture.copy(tmp.resolve("run")), 0.6);
        Rendered r = render(page);
        assertThat(r.problems()).isEmpty();
        assertThat(r.charts()).isEqualTo(RunReportTest.count(Files.readString(page), "<figure class=\"chart\""));
        // the outcome filter: 7 of the 12 episodes are incorrect (RunReportTest counts them in the page)
        assertThat(r.probe().path("shownIncorrect").asInt()).isEqualTo(7);
        assertThat(r.probe().path("shownLabel").asText()).isEqualTo("12 episodes shown");
        Files.createDirectories(Path.of("target"));
        Files.copy(r.screenshot(), Path.of("target/report-browser-test.png"), StandardCopyOption.REPLACE_EXISTING); // to look at
    }

    @Test
    void aBlankChartAndAScriptErrorAreCaught() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is absent (/usr/bin/chromium): bin/setup-browser installs it, as root");
        Path page = RunReport.write(ReportFixture.copy(tmp.resolve("run")), 0.6);
        String html = Files.readString(page);
        int svg = html.indexOf("<svg"), end = html.indexOf("</svg>", svg) + "</svg>".length();
        Files.writeString(page, html.substring(0, svg) + "<svg width=\"560\" height=\"300\"></svg>" + html.substring(end)
                .replace("</body>", "<script>notDefinedAnywhere();</script></body>"));
        assertThat(render(page).problems()).anyMatch(p -> p.startsWith("JavaScript error") && p.contains("notDefinedAnywhere"))
                .anyMatch(p -> p.startsWith("chart-0: ")).noneMatch(p -> p.startsWith("chart-1: "));
    }

    /** What the browser showed: the probe's findings, the screenshot, the charts found and what is wrong with them. */
    record Rendered(JsonNode probe, Path screenshot, int charts, List<String> problems) {}

    Rendered render(Path page) throws Exception {
        Path probed = page.resolveSibling("probed.html");
        Files.writeString(probed, withProbe(Files.readString(page)));
        JsonNode probe = Json.MAPPER.readTree(probeOutput(chromium(tmp.resolve("dom.html"), "--dump-dom", "--window-size=" + WIDTH + ",1000",
                probed.toUri().toString())));
        List<String> problems = new ArrayList<>();
        for (JsonNode e : probe.path("errors")) problems.add("JavaScript error: " + e.asText());
        int height = probe.path("height").asInt(); // the same width lays the page out the same: the boxes hold
        Path shot = tmp.resolve("report.png");
        chromium(tmp.resolve("shot.log"), "--screenshot=" + shot, "--window-size=" + WIDTH + "," + height, probed.toUri().toString());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img.getWidth()).isEqualTo(WIDTH);
        for (JsonNode c : probe.path("charts")) {
            String id = c.path("id").asText();
            int x = c.path("x").asInt(), y = c.path("y").asInt(), w = c.path("w").asInt(), h = c.path("h").asInt();
            if (w < 100 || h < 100 || y + h > img.getHeight()) {
                problems.add(id + ": box " + w + "x" + h + " at y " + y + " is not inside the " + img.getHeight() + " px screenshot");
                continue;
            }
            int ink = 0, series = 0;
            for (int py = y; py < y + h; py++)
                for (int px = x; px < x + w; px++) {
                    int rgb = img.getRGB(px, py);
                    if (!nearWhite(rgb)) ink++;
                    if (bluish(rgb)) series++;
                }
            if (ink <= w * h / 50) problems.add(id + ": blank (" + ink + " drawn pixels of " + w * h + ")");
            else if (series <= 200) problems.add(id + ": no line of the first series (" + series + " blue pixels)");
        }
        return new Rendered(probe, shot, probe.path("charts").size(), problems);
    }

    /** The page with an error recorder first in head and, last in body, a probe that writes its findings into the DOM. */
    static String withProbe(String html) {
        String recorder = "<script>window.__errors=[];addEventListener('error',function(e){__errors.push(String(e.message))});"
                + "addEventListener('unhandledrejection',function(e){__errors.push('rejection: '+e.reason)});"
                + "var __ce=console.error;console.error=function(){__errors.push(Array.from(arguments).join(' '));__ce.apply(console,arguments)};</script>";
        String probe = """
                <script>addEventListener('load', function () {
                  var r = {errors: __errors, charts: [], height: document.documentElement.scrollHeight};
                  document.querySelectorAll('figure.chart').forEach(function (f) {
                    var b = f.getBoundingClientRect();
                    r.charts.push({id: f.id, x: Math.ceil(b.left + scrollX), y: Math.ceil(b.top + scrollY), w: Math.floor(b.width) - 1, h: Math.floor(b.height) - 1});
                  });
                  document.querySelector('button[data-filter=incorrect]').click();
                  r.shownIncorrect = Array.from(document.querySelectorAll('.ep')).filter(function (e) { return getComputedStyle(e).visibility !== 'hidden'; }).length;
                  document.querySelector('button[data-filter=all]').click();
                  r.shownLabel = document.getElementById('shown').textContent;
                  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(r);
                  document.body.appendChild(pre);
                });</script>
                """;
        return html.replaceFirst("<head>", "<head>" + recorder).replace("</body>", probe + "</body>");
    }

    static String probeOutput(String dom) {
        int start = dom.indexOf("<pre id=\"probe\">");
        assertThat(start).as("the probe ran (its <pre> is in the dumped DOM)").isNotNegative();
        String text = dom.substring(start + "<pre id=\"probe\">".length(), dom.indexOf("</pre>", start));
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    /** Runs headless Chromium with the project's flags; returns its stdout (stderr is Chromium's own chatter). */
    String chromium(Path stdout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(tmp.resolve("chromium.err").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        assertThat(p.exitValue()).as("chromium exit status; its stderr: " + Files.readString(tmp.resolve("chromium.err"))).isZero();
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    static boolean nearWhite(int rgb) {
        return (rgb >> 16 & 255) > 245 && (rgb >> 8 & 255) > 245 && (rgb & 255) > 245;
    }

    /**
     * A pixel of the first series' blue (#1f77b4), also where anti-aliasing blends it half with the
     * white background; grey grid lines, black text and the other series' colours are not.
     */
    static boolean bluish(int rgb) {
        int r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
        return b - r > 50 && b - g > 20;
    }
}
