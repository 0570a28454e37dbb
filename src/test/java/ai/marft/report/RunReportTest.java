package ai.marft.report;

import ai.marft.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The page of the fixture run folder ({@link ReportFixture}) and of a demo-like folder. */
public class RunReportTest {
    @TempDir
    Path tmp;

    @Test
    void oneChartPerPanelTablesTranscriptsAndProvenance() throws IOException {
        Path run = ReportFixture.copy(tmp.resolve("run"));
        Path out = RunReport.write(run, 0.6);
        String html = Files.readString(out);
        long panels = MetricGroups.of(MetricsTable.read(run.resolve("metrics.jsonl"))).stream().mapToLong(s -> s.panels().size()).sum();
        assertThat(count(html, "<figure class=\"chart\"")).isEqualTo(panels).isGreaterThanOrEqualTo(15);
        assertThat(count(html, "<svg")).isEqualTo(panels);
        // before/after from before_after.json: 0.303 - 0.297 = +0.6 points
        assertThat(html).contains("before (base model)</td><td>0.297</td><td>[0.248, 0.351]</td><td>300").contains("+0.6 points");
        // transcripts: iteration 1 beside iteration 19, 6 episodes each, 2 + 3 correct
        assertThat(html).contains("start of training (iteration 1)", "end of training (iteration 19)");
        assertThat(count(html, "data-outcome=\"correct\"")).isEqualTo(5);
        assertThat(count(html, "data-outcome=\"incorrect\"")).isEqualTo(7);
        assertThat(html).contains("<summary>prompt</summary>");
        // provenance
        assertThat(html).contains("marft demo --minutes 1", "PyTorch 2.7.1", "<th>kl_coef</th><td>0.1</td>");
    }

    @Test
    void thePageLoadsNothingFromOutside() throws IOException {
        String html = RunReport.html(ReportFixture.copy(tmp.resolve("run")), 0.6);
        assertThat(html).doesNotContainPattern(Pattern.compile("\\s(src|href)=\"(?!#)", Pattern.CASE_INSENSITIVE))
                .doesNotContainPattern("url\\((?!#)") // SVG clip paths refer to ids in the page
                .doesNotContain("<link", "@import", "<?xml", "<!DOCTYPE svg");
    }

    @Test
    void aDemoFolderPairsHeldOutProblemsBeforeAndAfter() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("demo"));
        Files.writeString(run.resolve("metrics.jsonl"), "{\"iteration\": 1, \"reward_mean\": 0.25}\n");
        Files.writeString(run.resolve("heldout_before.jsonl"), """
                {"index":0,"problem":"What is 2 + 3?","correct":false,"score":0.0,"transcript":"<|im_start|>problem: What is 2 + 3?<|im_end|>\\nplanner: 2 + 3\\nsolver: \\\\boxed{6}\\njudge: The answer is incorrect.\\n"}
                {"index":1,"problem":"What is 4 * 2?","correct":true,"score":1.0,"transcript":"planner: 4 * 2 = 8\\nsolver: \\\\boxed{8}\\n"}
                """);
        Files.writeString(run.resolve("heldout_after.jsonl"), """
                {"index":0,"problem":"What is 2 + 3?","correct":true,"score":1.0,"transcript":"planner: 2 + 3 = 5\\nsolver: 5,\\nso \\\\boxed{5}\\n"}
                {"index":1,"problem":"What is 4 * 2?","correct":false,"score":0.0,"transcript":"planner: 4 * 2 = 6\\nsolver: \\\\boxed{6}\\n"}
                """);
        String html = RunReport.html(run, 0.6);
        assertThat(html).contains("held-out, before training", "data-change=\"fixed\"", "data-change=\"broken\"", "fixed by training");
        assertThat(html).contains("<span class=\"role\">judge</span><pre>The answer is incorrect.</pre>");
        assertThat(html).contains("<pre>5,\nso \\boxed{5}</pre>"); // a turn's second line stays in the turn
        assertThat(html).doesNotContain("before-after"); // no before_after.json: no table
    }

    @Test
    void notARunFolderIsOneClearError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> RunReport.html(empty, 0.6)).isInstanceOf(InputError.class).hasMessageContaining("not a run folder");
        assertThatThrownBy(() -> RunReport.html(tmp.resolve("absent"), 0.6)).isInstanceOf(InputError.class).hasMessageContaining("no such run folder");
    }

    public static long count(String s, String what) {
        long n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
