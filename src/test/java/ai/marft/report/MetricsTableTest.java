package ai.marft.report;

import ai.marft.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** metrics.jsonl as columns: nulls, missing keys, interval arrays, bad lines. */
class MetricsTableTest {
    @TempDir
    Path tmp;

    @Test
    void columnsWithGapsAndIntervalsSplitInTwo() throws IOException {
        Path f = tmp.resolve("metrics.jsonl");
        Files.writeString(f, """
                {"iteration": 1, "reward_mean": 0.5, "value_loss": null, "note": "text"}

                {"iteration": 2, "reward_mean": 0.75, "value_loss": 0.1, "eval_accuracy": 0.3, "eval_ci95": [0.2, 0.4]}
                """);
        MetricsTable t = MetricsTable.read(f);
        assertThat(t.rows()).isEqualTo(2);
        assertThat(t.iterations()).containsExactly(1, 2);
        assertThat(t.names()).containsExactly("reward_mean", "value_loss", "eval_accuracy", "eval_ci95_low", "eval_ci95_high");
        assertThat(t.column("reward_mean")).containsExactly(0.5, 0.75);
        assertThat(t.column("value_loss")[0]).isNaN();
        assertThat(t.column("eval_ci95_low")[1]).isEqualTo(0.2);
        assertThat(t.column("eval_ci95_high")[0]).isNaN();
        assertThat(t.hasValues("value_loss")).isTrue();
    }

    @Test
    void aLineStillBeingWrittenIsLeftOut() throws IOException {
        Path f = tmp.resolve("metrics.jsonl");
        Files.writeString(f, "{\"iteration\": 1, \"reward_mean\": 0.5}\n{\"iteration\": 2, \"rew");
        assertThat(MetricsTable.read(f).iterations()).containsExactly(1);
    }

    @Test
    void aBrokenLineNamesFileAndLine() throws IOException {
        Path f = tmp.resolve("metrics.jsonl");
        Files.writeString(f, "{\"iteration\": 1}\n{\"iteration\": 2,\n");
        assertThatThrownBy(() -> MetricsTable.read(f)).isInstanceOf(InputError.class).hasMessageContaining("metrics.jsonl line 2");
    }
}
