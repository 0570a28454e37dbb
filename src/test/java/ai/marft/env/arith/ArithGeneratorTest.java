package ai.marft.env.arith;

import ai.marft.InputError;
import ai.marft.env.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArithGeneratorTest {
    private static final Pattern GRAMMAR = Pattern.compile("What is [1-9]( [-+*] [1-9]){2,3}\\?");
    private static final int N = 6000;

    @Test
    void independentEvaluatorAgreesWithHandComputedValues() {
        assertThat(Arith.eval("7 + 3 * 8 - 5")).isEqualTo(26);
        assertThat(Arith.eval("1 - 9 * 9 - 9")).isEqualTo(-89);
        assertThat(Arith.eval("9 * 9 + 9 * 9")).isEqualTo(162);
        assertThat(Arith.eval("2 * 3 - 4 * 5")).isEqualTo(-14);
        assertThat(Arith.eval("8 - 2 * 3")).isEqualTo(2);
    }

    @Test
    void sameSeedSameProblemsOtherSeedOthers() {
        assertThat(new ArithGenerator(5).generate(200)).isEqualTo(new ArithGenerator(5).generate(200));
        assertThat(new ArithGenerator(5).generate(200)).isNotEqualTo(new ArithGenerator(6).generate(200));
    }

    @Test
    void everyProblemFollowsTheGrammarAndItsAnswerIsItsValue() {
        for (Problem p : new ArithGenerator(11).generate(N)) {
            assertThat(p.problem()).matches(GRAMMAR);
            String[] tok = Arith.expressionOf(p.problem()).split(" ");
            int operands = (tok.length + 1) / 2;
            long stars = 0;
            for (int i = 1; i < tok.length; i += 2) {
                if (tok[i].equals("*")) {
                    stars++;
                    if (i + 2 < tok.length) assertThat(tok[i + 2]).as("no two * in a row: %s", p.problem()).isNotEqualTo("*");
                }
            }
            assertThat(stars).as(p.problem()).isBetween(1L, operands - 2L);
            if (stars == 2) assertThat(tok[1] + tok[5]).isEqualTo("**");
            assertThat(p.finalAnswer()).isEqualTo(Long.toString(Arith.eval(Arith.expressionOf(p.problem()))));
            assertThat(Long.parseLong(p.finalAnswer())).isBetween(-89L, 162L);
        }
    }

    @Test
    void drawsMatchTheDocumentedDistribution() {
        List<Problem> problems = new ArithGenerator(12).generate(N);
        int three = 0, fourWithTwoStars = 0, plus = 0, additive = 0;
        int[] digit = new int[10];
        int operandCount = 0;
        for (Problem p : problems) {
            String[] tok = Arith.expressionOf(p.problem()).split(" ");
            if (tok.length == 5) three++;
            else if (p.problem().chars().filter(c -> c == '*').count() == 2) fourWithTwoStars++;
            for (int i = 0; i < tok.length; i++) {
                if (i % 2 == 0) {
                    digit[Integer.parseInt(tok[i])]++;
                    operandCount++;
                } else if (!tok[i].equals("*")) {
                    additive++;
                    if (tok[i].equals("+")) plus++;
                }
            }
        }
        // binomial standard deviations are below 0.007 here; 0.035 is five of them
        assertThat(three / (double) N).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.035));
        assertThat(fourWithTwoStars / (double) (N - three)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.035));
        assertThat(plus / (double) additive).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.035));
        assertThat(digit[0]).isZero();
        for (int d = 1; d <= 9; d++) assertThat(digit[d] / (double) operandCount).as("operand %d", d).isCloseTo(1 / 9.0, org.assertj.core.data.Offset.offset(0.012));
    }

    @Test
    void parseReadsTheProblemTextBack() {
        ArithExpression e = ArithExpression.parse("What is 37 + 8 * 12 - 5?");
        assertThat(e.operands()).containsExactly(37, 8, 12, 5);
        assertThat(e.ops()).containsExactly('+', '*', '-');
        assertThat(e.value()).isEqualTo(128);
        assertThat(e.problem()).isEqualTo("What is 37 + 8 * 12 - 5?");
    }

    @Test
    void parseRejectsOtherTextsInOneLine() {
        for (String bad : List.of("What is 3 +  4?", "What is 3?", "what is 3 + 4?", "What is 3 / 4?", "What is -3 + 4?", "What is 3 + 4",
                "What is 9999999999 + 1?", "What is 3037000500 * 3037000500 + 1?"))
            assertThatThrownBy(() -> ArithExpression.parse(bad)).isInstanceOf(InputError.class).hasMessageContaining(bad).hasMessageNotContaining("\n");
    }
}
