package ai.marft.env.math;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerNormalizerTest {
    private static String clean(String s) { return AnswerNormalizer.clean(s); }

    @Test
    void delimitersSpacingAndSizing() {
        assertThat(clean("$\\left( 3, \\frac{\\pi}{2} \\right)$")).isEqualTo("( 3, \\frac{\\pi}{2} )");
        assertThat(clean("\\boxed{\\dfrac{17}{50}}")).isEqualTo("\\frac{17}{50}");
        assertThat(clean("\\frac43")).isEqualTo("\\frac{4}{3}");
        assertThat(clean("\\frac 59")).isEqualTo("\\frac{5}{9}");
        assertThat(clean("\\frac\\pi2")).isEqualTo("\\frac{\\pi}{2}");
        assertThat(clean("11\\sqrt2")).isEqualTo("11\\sqrt{2}");
    }

    @Test
    void numbersLoseSeparatorsUnitsAndSigns() {
        assertThat(clean("10,\\!080")).isEqualTo("10080");
        assertThat(clean("11,\\! 111,\\! 111,\\! 100")).isEqualTo("11111111100");
        assertThat(clean("\\$32,\\!348")).isEqualTo("32348");
        assertThat(clean("90^\\circ")).isEqualTo("90");
        assertThat(clean("25\\%")).isEqualTo("25");
        assertThat(clean("864 \\mbox{ inches}^2")).isEqualTo("864");
        assertThat(clean("15\\mbox{ cm}^2")).isEqualTo("15");
        assertThat(clean("5 square feet")).isEqualTo("5");
        assertThat(clean("\\frac{270}7\\text{ degrees}")).isEqualTo("\\frac{270}{7}");
        assertThat(clean("52_8")).isEqualTo("52");
        assertThat(clean("4210_{5}")).isEqualTo("4210");
    }

    @Test
    void textChoicesAndMixedNumbers() {
        assertThat(clean("\\text{Evelyn}")).isEqualTo("Evelyn");
        assertThat(clean("\\text{(C)}")).isEqualTo("C");
        assertThat(clean("x=1 \\text{ or } x=-2")).isEqualTo("x=1 , x=-2");
        assertThat(clean("1\\frac{4}{5}")).isEqualTo("(1+\\frac{4}{5})");
        assertThat(clean("-2 1/2")).isEqualTo("-(2+\\frac{1}{2})");
        assertThat(clean("x \\in [-2,7]")).isEqualTo("[-2,7]");
    }

    @Test
    void repeatingDecimalsBecomeFractions() {
        assertThat(clean("0.\\overline{3}")).isEqualTo("\\frac{3}{9}");
        assertThat(clean("1.2\\overline{45}")).isEqualTo("\\frac{1233}{990}"); // 1.24545... = 137/110
        assertThat(clean(".\\overline{36}")).isEqualTo("\\frac{36}{99}");
    }

    @Test
    void wordsForInfinityListsAndReals() {
        assertThat(clean("(-inf, 2)")).isEqualTo("(-\\infty, 2)");
        assertThat(clean("1 and 2")).isEqualTo("1, 2");
        assertThat(clean("\\mathbb{R}")).isEqualTo("(-\\infty,\\infty)");
        assertThat(clean("1 000 000")).isEqualTo("1000000");
        assertThat(clean("5 m")).isEqualTo("5");
        assertThat(clean("2m")).isEqualTo("2m");
        assertThat(clean("2 sqrt(3) + pi")).isEqualTo("2 \\sqrt(3) + \\pi");
        assertThat(clean("sin x")).isEqualTo("\\sin x");
        assertThat(clean("\\text{spin}")).isEqualTo("spin");
    }

    @Test
    void keysIgnoreSpacesAndCaseOfWords() {
        assertThat(AnswerNormalizer.key("p - q")).isEqualTo("p-q");
        assertThat(AnswerNormalizer.key("East")).isEqualTo("east");
        assertThat(AnswerNormalizer.key("R")).isEqualTo("R"); // a single letter is a variable, not a word
        assertThat(AnswerNormalizer.isWords("No")).isTrue();
        assertThat(AnswerNormalizer.isWords("p - q")).isFalse();
        assertThat(AnswerNormalizer.isWords("p q")).isFalse();
    }

    @Test
    void mattersKeptIntact() {
        // a unit word is only dropped after a value; a variable next to a number stays
        assertThat(clean("3R^2")).isEqualTo("3R^2");
        assertThat(clean("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}")).isEqualTo("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}");
        assertThat(clean("(-\\infty, 0]")).isEqualTo("(-\\infty, 0]");
    }
}
