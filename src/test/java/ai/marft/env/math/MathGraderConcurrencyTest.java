package ai.marft.env.math;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** One grader shared by rollout threads gives the same verdicts as when used alone. */
class MathGraderConcurrencyTest {
    @Test
    void sharedAcrossThreads() throws Exception {
        List<JsonNode> cases = LabelledGradingTest.cases().stream().filter(c -> !c.path("extract").asBoolean(false)).toList();
        MathGrader grader = new MathGrader();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> verdicts = new ArrayList<>();
            for (int round = 0; round < 2; round++)
                for (JsonNode c : cases)
                    verdicts.add(pool.submit(() -> grader.equal(c.get("pred").asText(), c.get("gold").asText())));
            for (int i = 0; i < verdicts.size(); i++)
                assertThat(verdicts.get(i).get()).as(cases.get(i % cases.size()).get("note").asText())
                        .isEqualTo(cases.get(i % cases.size()).get("equal").asBoolean());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nullAndGarbageAreNotEqualAndDoNotThrow() {
        MathGrader grader = new MathGrader();
        assertThat(grader.equal(null, "1")).isFalse();
        assertThat(grader.equal("1", null)).isFalse();
        assertThat(grader.equal("", "")).isFalse();
        assertThat(grader.equal("\\frac{", "\\frac{")).isTrue(); // identical spelling
        assertThat(grader.equal("\\frac{1", "1")).isFalse();
        assertThat(grader.equal("2^{10^{10}}", "2^{10^{10}}+1")).isFalse();
        assertThat(grader.equal("((((((((((1))))))))))", "1")).isTrue();
    }
}
