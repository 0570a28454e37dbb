package ai.marft.report;

import ai.marft.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** compare.html from a compare folder laid out as Compare writes it; statistics worked out by hand. */
class CompareReportTest {
    @TempDir
    Path tmp;

    @Test
    void finalTableAndOneCurvePerVariant() throws IOException {
        var json = Json.MAPPER.createObjectNode().put("config", "configs/compare_arith.yaml").put("minutes", 2.0).put("seeds", 2).put("heldout", 200);
        var runs = json.putArray("runs");
        double[][] acc = {{0.30, 0.40}, {0.20, 0.20}};
        String[] variants = {"appo", "grpo"};
        for (int v = 0; v < 2; v++)
            for (int s = 0; s < 2; s++) {
                runs.addObject().put("variant", variants[v]).put("seed", 10 + s).put("accuracy", acc[v][s]).put("heldOut", 200)
                        .put("iterations", 10 + s).put("trainSeconds", 120.0).put("tokens", 1000 * (s + 1));
                Path dir = Files.createDirectories(tmp.resolve(variants[v]).resolve("seed" + s));
                StringBuilder m = new StringBuilder();
                for (int it = 1; it <= 10 + s; it++) m.append("{\"iteration\":").append(it).append(",\"reward_mean\":").append(0.1 * s + 0.01 * it).append("}\n");
                Files.writeString(dir.resolve("metrics.jsonl"), m);
            }
        Json.MAPPER.writeValue(tmp.resolve(CompareReport.COMPARE_JSON).toFile(), json);
        String html = Files.readString(CompareReport.write(tmp, 0.6));
        // appo: mean 0.35, sample std sqrt(((0.05)^2 * 2) / 1) = 0.0707; grpo: 0.200 ± 0.000
        assertThat(html).contains("<td>appo</td><td>2</td><td>0.350 ± 0.071</td><td>10.5 ± 0.7</td><td>120 ± 0</td><td>1500 ± 707</td>");
        assertThat(html).contains("<td>grpo</td><td>2</td><td>0.200 ± 0.000</td>");
        assertThat(RunReportTest.count(html, "<figure class=\"chart\"")).isEqualTo(1); // only reward_mean was logged
        assertThat(html).contains("appo (2 seeds)", "grpo (2 seeds)");
    }

    @Test
    void seedStatisticsUseTheSeedsThatReachedEachIteration() {
        SeedStats s = SeedStats.of(List.of(new double[][]{{1, 2, 3}, {1, 3, 5}}, new double[][]{{1, 2}, {3, Double.NaN}}));
        assertThat(s.iterations()).containsExactly(1, 2, 3);
        assertThat(s.mean()).containsExactly(2, 3, 5);
        // iteration 1: values 1 and 3, std sqrt(2); iterations 2 and 3: one seed, no band
        assertThat(s.low()[0]).isCloseTo(2 - Math.sqrt(2), within(1e-12));
        assertThat(s.high()[0]).isCloseTo(2 + Math.sqrt(2), within(1e-12));
        assertThat(s.low()[1]).isNaN();
    }
}
