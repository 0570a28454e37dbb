package ai.marft.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.marft.InputError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** sum / token / word normalisation of action log-probs, on arrays and on tensors. */
class LogprobNormTest {
    private static final float[] TOKENS = {-1f, -2f, -3f, -50f}; // the last entry is padding

    @Test
    void divisorsAndRolloutValues() {
        String text = "  the answer\tis\n4 ";  // 4 words
        assertThat(LogprobNorm.SUM.apply(TOKENS, 3, text)).isEqualTo(-6.0);
        assertThat(LogprobNorm.TOKEN.apply(TOKENS, 3, text)).isEqualTo(-2.0);
        assertThat(LogprobNorm.WORD.apply(TOKENS, 3, text)).isEqualTo(-1.5);
        assertThat(LogprobNorm.WORD.divisor(3, " \n ")).isEqualTo(1.0);       // no words: divide by 1
        assertThat(LogprobNorm.WORD.divisor(3, "a\u00a0b c")).isEqualTo(3.0); // no-break space separates, as in Python
        assertThat(LogprobNorm.parse("token")).isEqualTo(LogprobNorm.TOKEN);
        assertThatThrownBy(() -> LogprobNorm.parse("mean")).isInstanceOf(InputError.class)
                .hasMessage("log-prob normalisation 'mean': expected sum, token or word");
    }

    @Test
    void tensorVersionMatchesAndIgnoresPadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lp = m.create(new float[] {-1, -2, -3, -50, -4, -50, -50, -50}, new Shape(2, 4));
            int[] counts = {3, 1};
            String[] texts = {"one two three four", "x"};
            // row 0: -6 / {1, 3, 4}; row 1: -4 / {1, 1, 1}
            assertThat(LogprobNorm.SUM.apply(lp, counts, texts).toFloatArray()).containsExactly(-6f, -4f);
            assertThat(LogprobNorm.TOKEN.apply(lp, counts, texts).toFloatArray()).containsExactly(new float[] {-2f, -4f}, within(1e-6f));
            assertThat(LogprobNorm.WORD.apply(lp, counts, texts).toFloatArray()).containsExactly(new float[] {-1.5f, -4f}, within(1e-6f));
        }
    }
}
