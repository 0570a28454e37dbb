package ai.marft.serve;

import ai.marft.lm.Generation;
import ai.marft.mas.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FinishedTest {
    static final CharTokenizer TOK = new CharTokenizer();

    static Generation gen(String text, boolean eos) {
        int[] t = TOK.encode(text);
        if (eos) {
            t = java.util.Arrays.copyOf(t, t.length + 1);
            t[t.length - 1] = CharTokenizer.EOS;
        }
        float[] lp = new float[t.length];
        for (int k = 0; k < lp.length; k++) lp[k] = -0.1f * (k + 1);
        return new Generation(t, lp, eos);
    }

    @Test
    void aStopStringEndsTheRowAtTheTokenThatCompletesIt() {
        Finished f = Finished.of(gen("abcXdef", false), TOK, List.of("zz", "Xd"));
        assertThat(f.tokens()).isEqualTo(TOK.encode("abcXd")); // the 5th token completes "Xd"
        assertThat(f.logprobs()).containsExactly(-0.1f, -0.2f, -0.3f, -0.4f, -0.5f);
        assertThat(f.text()).isEqualTo("abc");
        assertThat(f.finishReason()).isEqualTo("stop");
        assertThat(f.stopReason()).isEqualTo("Xd");
    }

    @Test
    void eosStaysInTheIdsButNotInTheText() {
        Finished f = Finished.of(gen("ab", true), TOK, List.of());
        assertThat(f.tokens()).containsExactly(3 + 'a', 3 + 'b', CharTokenizer.EOS);
        assertThat(f.text()).isEqualTo("ab");
        assertThat(f.finishReason()).isEqualTo("stop");
        assertThat(f.stopReason()).isNull();
        assertThat(Finished.of(gen("ab", false), TOK, List.of()).finishReason()).isEqualTo("length");
    }

    @Test
    void logprobsAreWrittenAsVllmWritesTokenIds() {
        var lp = Finished.of(gen("ab", false), TOK, List.of()).completionLogprobs(TOK);
        assertThat(lp.get("tokens").toString()).isEqualTo("[\"token_id:100\",\"token_id:101\"]");
        assertThat(lp.get("token_logprobs").get(1).floatValue()).isEqualTo(-0.2f);
        assertThat(lp.get("text_offset").toString()).isEqualTo("[0,1]");
    }
}
