package ai.marft.env.math;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InequalityTest {
    private static Answer interval(char open, String low, String high, char close) {
        return new Answer.Bracketed(open, close, List.of(new Answer.Scalar(low), new Answer.Scalar(high)));
    }

    @Test
    void raysAndBoundedIntervals() {
        assertThat(Inequality.asInterval("x \\ge 2")).isEqualTo(interval('[', "2", "\\infty", ')'));
        assertThat(Inequality.asInterval("x>2")).isEqualTo(interval('(', "2", "\\infty", ')'));
        assertThat(Inequality.asInterval("x \\leq -1")).isEqualTo(interval('(', "-\\infty", "-1", ']'));
        assertThat(Inequality.asInterval("3 \\geq x")).isEqualTo(interval('(', "-\\infty", "3", ']'));
        assertThat(Inequality.asInterval("3 < x")).isEqualTo(interval('(', "3", "\\infty", ')'));
        assertThat(Inequality.asInterval("2 < x \\le 5")).isEqualTo(interval('(', "2", "5", ']'));
        assertThat(Inequality.asInterval("-1 \\le t < \\frac{1}{2}")).isEqualTo(interval('[', "-1", "\\frac{1}{2}", ')'));
    }

    @Test
    void otherTextIsNotAnInequality() {
        assertThat(Inequality.asInterval("x = 2")).isNull();
        assertThat(Inequality.asInterval("\\left(1, 2\\right)")).isNull();
        assertThat(Inequality.asInterval("2")).isNull();
    }
}
