package ai.marft.env.arith;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ArithGraderTest {
    private final ArithGrader g = new ArithGrader();

    @Test
    void extractsTheLastBalancedBoxed() {
        assertThat(g.extract("7 + 24 = 31, 31 - 5 = 26, \\boxed{26}")).isEqualTo("26");
        assertThat(g.extract("\\boxed{1} then \\boxed{-12}")).isEqualTo("-12");
        assertThat(g.extract("\\boxed{ 4 }")).isEqualTo(" 4 ");
        assertThat(g.extract("\\boxed{\\frac{1}{2}}")).isEqualTo("\\frac{1}{2}");
        assertThat(g.extract("\\boxed{7} and \\boxed{8")).as("an unclosed last box falls back to the closed one").isEqualTo("7");
        assertThat(g.extract("\\boxed{}")).isEqualTo("");
    }

    @Test
    void noBoxedMeansNoAnswer() {
        assertThat(g.extract("The answer is 26")).isNull();
        assertThat(g.extract("\\boxed{26")).isNull();
        assertThat(g.extract("boxed{26}")).isNull();
        assertThat(g.extract("")).isNull();
        assertThat(g.extract(null)).isNull();
    }

    @Test
    void equalIsIntegerEqualityAfterTrimming() {
        assertThat(g.equal("26", "26")).isTrue();
        assertThat(g.equal(" 26 ", "26")).isTrue();
        assertThat(g.equal("-7", "-7")).isTrue();
        assertThat(g.equal("+7", "7")).isTrue();
        assertThat(g.equal("007", "7")).isTrue();
        assertThat(g.equal("-0", "0")).isTrue();
        assertThat(g.equal("123456789012345678901234567890", "123456789012345678901234567890")).isTrue();
        assertThat(g.equal("26", "27")).isFalse();
        assertThat(g.equal("-26", "26")).isFalse();
        assertThat(g.equal("26.0", "26")).isFalse();
        assertThat(g.equal("2 6", "26")).isFalse();
        assertThat(g.equal("", "0")).isFalse();
        assertThat(g.equal("x", "x")).isFalse();
        assertThat(g.equal(null, "1")).isFalse();
    }
}
