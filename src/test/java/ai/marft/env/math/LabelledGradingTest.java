package ai.marft.env.math;

import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every hand-labelled case in grading/labelled.jsonl (written from the answer formats of the MATH
 * and GSM8K files: equivalent rewrites and near misses) must get its label.
 */
class LabelledGradingTest {
    static List<JsonNode> cases() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(LabelledGradingTest.class.getResourceAsStream("/grading/labelled.jsonl")), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) if (!line.isBlank()) out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    @Test
    void everyLabelHolds() throws IOException {
        List<JsonNode> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        assertThat(cases.stream().filter(c -> !c.get("equal").asBoolean()).count()).as("near misses").isGreaterThanOrEqualTo(80);
        MathGrader grader = new MathGrader();
        List<String> wrong = new ArrayList<>();
        for (JsonNode c : cases) {
            String pred = c.get("pred").asText(), gold = c.get("gold").asText();
            boolean got = c.path("extract").asBoolean(false) ? grader.correct(pred, gold) : grader.equal(pred, gold);
            if (got != c.get("equal").asBoolean())
                wrong.add("expected " + c.get("equal") + " for pred=" + pred + " gold=" + gold + " (" + c.get("note").asText() + ")");
        }
        System.out.printf("labelled grading agreement: %d/%d%n", cases.size() - wrong.size(), cases.size());
        assertThat(wrong).isEmpty();
        assertThat(grader.timeouts()).isZero();
    }
}
