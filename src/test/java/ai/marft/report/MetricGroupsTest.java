package ai.marft.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every column of a real run's metrics lands on exactly one chart, per-agent columns beside their family. */
class MetricGroupsTest {
    @Test
    void everyColumnIsDrawnOnce() {
        MetricsTable t = MetricsTable.read(ReportFixture.RUN.resolve("metrics.jsonl"));
        List<String> drawn = new ArrayList<>();
        for (MetricGroups.Section s : MetricGroups.of(t))
            for (MetricGroups.Panel p : s.panels()) {
                drawn.addAll(p.series());
                if (p.hasBand()) drawn.addAll(List.of(p.bandLow(), p.bandHigh()));
            }
        assertThat(drawn).containsExactlyInAnyOrderElementsOf(t.names());
    }

    @Test
    void familiesHoldTheirAgentsAndTokensPerSecondIsNotATokenCount() {
        List<MetricGroups.Panel> panels = MetricGroups.of(MetricsTable.read(ReportFixture.RUN.resolve("metrics.jsonl"))).stream()
                .flatMap(s -> s.panels().stream()).toList();
        assertThat(panel(panels, "approx_kl").series()).containsExactly("approx_kl", "approx_kl_planner", "approx_kl_solver");
        assertThat(panel(panels, "kl_to_base_planner").series()).containsExactly("kl_to_base_planner", "kl_to_base_solver");
        assertThat(panel(panels, "tokens").series()).containsExactly("tokens");
        assertThat(panel(panels, "seconds_rollout").series()).containsExactly("seconds_rollout", "seconds_values", "seconds_update", "seconds_gc");
        MetricGroups.Panel eval = panel(panels, "eval_accuracy");
        assertThat(eval.bandLow()).isEqualTo("eval_ci95_low");
        assertThat(eval.bandHigh()).isEqualTo("eval_ci95_high");
    }

    private static MetricGroups.Panel panel(List<MetricGroups.Panel> panels, String first) {
        return panels.stream().filter(p -> p.series().getFirst().equals(first)).findFirst().orElseThrow();
    }
}
