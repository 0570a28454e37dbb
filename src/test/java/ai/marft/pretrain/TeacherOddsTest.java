package ai.marft.pretrain;

import ai.marft.env.arith.ArithGenerator;

import ai.marft.env.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class TeacherOddsTest {
    private static ArithTeacher dual(double planner, double solver, double fix) {
        return new ArithTeacher(ArithTeacherTest.DUAL, Map.of("planner", planner, "solver", solver), fix, 1);
    }

    @Test
    void temperedTrieByHand() {
        // "ab" 3, "ac" 1, "b" 4: at T = 0.5, first char a:b = 4^2:4^2, then b:c = 3^2:1^2
        Map<String, Double> t = TeacherOdds.tempered(Map.of("ab", 3, "ac", 1, "b", 4), 0.5);
        assertThat(t.get("b")).isCloseTo(0.5, offset(1e-12));
        assertThat(t.get("ab")).isCloseTo(0.5 * 0.9, offset(1e-12));
        assertThat(t.get("ac")).isCloseTo(0.5 * 0.1, offset(1e-12));
        // a text that is a prefix of another: ending is one choice among the next characters
        Map<String, Double> u = TeacherOdds.tempered(Map.of("a", 1, "ab", 2), 1.0);
        assertThat(u.get("a")).isCloseTo(1 / 3.0, offset(1e-12));
    }

    @Test
    void atTemperatureOneTheTeachersRatesComeBack() {
        List<Problem> problems = new ArithGenerator(4).generate(40);
        TeacherOdds.Estimate e = TeacherOdds.estimate(dual(0.6, 0.7, 0.25), problems, 1.0, 1500, 1);
        assertThat(e.planRight()).isCloseTo(0.6, offset(0.02));
        assertThat(e.answerAfterRight()).isCloseTo(0.7, offset(0.02));
        assertThat(e.fixAfterWrong()).isCloseTo(0.25, offset(0.02));
        assertThat(e.team()).isCloseTo(0.6 * 0.7 + 0.4 * 0.25, offset(0.02));
        TeacherOdds.Estimate solo = TeacherOdds.estimate(new ArithTeacher(ArithTeacherTest.SOLO, Map.of("solver", 0.35), 0, 1), problems, 1.0, 1500, 2);
        assertThat(solo.team()).isCloseTo(0.35, offset(0.02));
        assertThat(solo.planRight()).isNaN();
    }

    @Test
    void halfTemperatureSharpensAsComputedByHand() {
        // plan 6 + 1 is always right; the solver is right (7) with 1/2, else states 7 + d, d in {-10,-2,-1,1,2,10}, each 1/12:
        // the answers part at one character (7 - 5 6 8 9 1), so at T = 0.5: (1/2)^2 / ((1/2)^2 + 6 (1/12)^2) = 6/7
        List<Problem> one = List.of(new Problem("What is 2 * 3 + 1?", "7"));
        assertThat(TeacherOdds.estimate(dual(1, 0.5, 0), one, 0.5, 40000, 3).team()).isCloseTo(6 / 7.0, offset(0.01));
        // every plan wrong; the solver fixes it (1/4) or follows it (3/4): at T = 0.5, 1/16 / (1/16 + 9/16) = 0.1
        TeacherOdds.Estimate wrong = TeacherOdds.estimate(dual(0, 1, 0.25), new ArithGenerator(5).generate(10), 0.5, 4000, 4);
        assertThat(wrong.planRight()).isZero();
        assertThat(wrong.team()).isCloseTo(0.1, offset(0.01));
    }
}
