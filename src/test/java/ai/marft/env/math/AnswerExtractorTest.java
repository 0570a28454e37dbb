package ai.marft.env.math;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerExtractorTest {
    @Test
    void lastBalancedBoxWins() {
        assertThat(AnswerExtractor.extract("try $\\boxed{1}$ then $\\boxed{\\frac{a}{b^{2}}}$ done")).isEqualTo("\\frac{a}{b^{2}}");
        assertThat(AnswerExtractor.extract("\\fbox{7} and \\boxed{8}")).isEqualTo("8");
        assertThat(AnswerExtractor.extract("\\boxed{8} and \\fbox{7}")).isEqualTo("7");
    }

    @Test
    void unclosedLastBoxFallsBackToTheEarlierOne() {
        // a response cut off at max_new_tokens: the final box never closes
        assertThat(AnswerExtractor.extract("so \\boxed{12}. Double-check: \\boxed{\\frac{1")).isEqualTo("12");
    }

    @Test
    void boxWithoutBraces() {
        assertThat(AnswerExtractor.extract("hence $\\boxed 5$.")).isEqualTo("5");
    }

    @Test
    void answerIsPhrases() {
        assertThat(AnswerExtractor.extract("Adding, we get 7. The answer is $\\frac{3}{4}$.")).isEqualTo("\\frac{3}{4}");
        assertThat(AnswerExtractor.extract("Final answer: 42\nThanks")).isEqualTo("42");
        assertThat(AnswerExtractor.extract("16-3-4=9, 9*2=18\n#### 18")).isEqualTo("18");
        assertThat(AnswerExtractor.extract("the answer is 5. Then 6 more")).isEqualTo("5");
        assertThat(AnswerExtractor.extract("So the answer is $\\frac{1}{2}$, which is reduced.")).isEqualTo("\\frac{1}{2}");
        assertThat(AnswerExtractor.extract("Final Answer: The final answer is $(2,3)$. I hope it is correct.")).isEqualTo("(2,3)");
        assertThat(AnswerExtractor.extract("The answer is 5, since 2+3=5.")).isEqualTo("5");
        assertThat(AnswerExtractor.extract("The answer is 1, 2.")).isEqualTo("1, 2");
        assertThat(AnswerExtractor.extract("**Answer:** 12")).isEqualTo("12");
        assertThat(AnswerExtractor.extract("The answer is: 7")).isEqualTo("7");
    }

    @Test
    void lastNumberOtherwise() {
        assertThat(AnswerExtractor.extract("5 apples and 3 pears make 8 fruits")).isEqualTo("8");
        assertThat(AnswerExtractor.extract("it costs 1,250 in total")).isEqualTo("1,250");
        assertThat(AnswerExtractor.extract("ratio 3/4 overall")).isEqualTo("3/4");
        assertThat(AnswerExtractor.extract("temperature fell to -7.5 degrees")).isEqualTo("-7.5");
    }

    @Test
    void inlineMathClosingTheText() {
        assertThat(AnswerExtractor.extract("The probability is $\\frac{1}{6}$.")).isEqualTo("\\frac{1}{6}");
        assertThat(AnswerExtractor.extract("Solving, we get $x = -3$.")).isEqualTo("-3");
        assertThat(AnswerExtractor.extract("Answer: $\\$18$")).isEqualTo("\\$18");
        // money, not math: the last number decides
        assertThat(AnswerExtractor.extract("She pays $5 and gets $7 back.")).isEqualTo("7");
    }

    @Test
    void nothingStated() {
        assertThat(AnswerExtractor.extract("I do not know.")).isNull();
        assertThat(AnswerExtractor.extract(null)).isNull();
    }
}
