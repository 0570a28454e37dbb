package ai.marft.env;

import ai.marft.env.math.AnswerExtractor;
import ai.marft.env.math.MathGrader;

import ai.marft.SharedData;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared MATH test500 and GSM8K test files load, and MATH's answers grade as equal to themselves. */
class MathDataTest {
    @Test
    void gsm8kLoads() {
        List<Problem> ps = Datasets.load(SharedData.require("math/gsm8k_test.json"));
        assertThat(ps).hasSize(1319);
        assertThat(ps.getFirst().problem()).startsWith("Janet’s ducks lay 16 eggs per day.");
        assertThat(ps.getFirst().finalAnswer()).isEqualTo("18");
        assertThat(ps.get(1).finalAnswer()).isEqualTo("3");
        assertThat(ps.get(2).finalAnswer()).isEqualTo("70000");
    }

    @Test
    void everyGsm8kWorkedAnswerGradesAsItsFinalAnswer() {
        Path file = SharedData.require("math/gsm8k_test.json");
        List<Problem> ps = Datasets.load(file);
        List<JsonNode> records = Datasets.records(file);
        MathGrader grader = new MathGrader();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            String worked = records.get(i).get("answer_with_process").asText(); // ends "#### 18"
            if (!grader.correct(worked, ps.get(i).finalAnswer())) failures.add(i + ": " + ps.get(i).finalAnswer());
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void math500Loads() {
        List<Problem> ps = Datasets.load(SharedData.require("math/math_test500.jsonl"));
        assertThat(ps).hasSize(500);
        assertThat(ps.get(0).finalAnswer()).isEqualTo("\\left( 3, \\frac{\\pi}{2} \\right)");
        assertThat(ps.get(1).finalAnswer()).isEqualTo("p - q");
        assertThat(ps.get(2).finalAnswer()).isEqualTo("\\frac{14}{3}");
        assertThat(ps.get(4).finalAnswer()).isEqualTo("\\text{Evelyn}");
    }

    @Test
    void everyMathAnswerEqualsItselfAndItsSolutionsBox() {
        Path file = SharedData.require("math/math_test500.jsonl");
        List<Problem> ps = Datasets.load(file);
        List<JsonNode> records = Datasets.records(file);
        MathGrader grader = new MathGrader();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            String gold = ps.get(i).finalAnswer();
            if (!grader.equal(gold, gold)) failures.add(i + " self: " + gold);
            String box = AnswerExtractor.lastBoxed(records.get(i).get("solution").asText());
            if (!grader.equal(box, gold)) failures.add(i + " box: " + box + " vs " + gold);
            if (!grader.correct(records.get(i).get("solution").asText(), gold)) failures.add(i + " solution: " + gold);
        }
        assertThat(failures).isEmpty();
    }
}
