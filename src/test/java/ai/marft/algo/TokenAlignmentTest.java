package ai.marft.algo;

import ai.marft.lm.Tokenizer;
import ai.marft.mas.AgentStep;
import ai.marft.mas.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TokenAlignment}: which critic state each agent token reads across tokenizers, tables worked out by hand. */
class TokenAlignmentTest {
    private static int[] bytes(String... pieces) {
        int[] out = new int[pieces.length];
        for (int k = 0; k < pieces.length; k++) out[k] = pieces[k].getBytes(StandardCharsets.UTF_8).length;
        return out;
    }

    @Test
    void eachAgentTokenReadsTheCriticTokensEndedBeforeItStarts() {
        // text "12 + 3", agent pieces "12" | " +" | " 3" | EOS (no bytes), critic pieces "1" | "2 +" | " " | "3"
        // agent starts 0, 2, 4, 6; critic ends 1, 4, 5, 6
        //   "12" starts at 0: no critic token fits yet           -> 0 (the prompt's last token)
        //   " +" starts at 2: "1" (ends 1); "2 +" ends 4 > 2     -> 1
        //   " 3" starts at 4: "1", "2 +" (ends 4 <= 4)           -> 2
        //   EOS  starts at 6: all four                           -> 4
        assertThat(TokenAlignment.positions(bytes("12", " +", " 3", ""), bytes("1", "2 +", " ", "3"))).containsExactly(0, 1, 2, 4);
        // the same pieces on both sides: the identity
        assertThat(TokenAlignment.positions(bytes("ab", "c", "de"), bytes("ab", "c", "de"))).containsExactly(0, 1, 2);
        // a critic token spanning two agent tokens is read only once the agent has written all of it
        assertThat(TokenAlignment.positions(bytes("a", "b", "c", "d"), bytes("abc", "d"))).containsExactly(0, 0, 0, 1);
        // no critic token (empty action text, the agent stopped at once): the prompt's last token
        assertThat(TokenAlignment.positions(bytes(""), new int[0])).containsExactly(0);
        assertThat(TokenAlignment.positions(new int[0], bytes("x"))).isEmpty();
    }

    @Test
    void multiByteCharactersCountInBytesAndAreNeverReadHalfWritten() {
        // "éx€": é = C3 A9, x, € = E2 82 AC (6 bytes)
        // agent: the byte C3 | the byte A9 | "x"  (starts 0, 1, 2); critic: "é" | "x" (ends 2, 3)
        //   A9 starts at 1, inside "é": still the prompt                                  -> 0, 0, 1
        assertThat(TokenAlignment.positions(new int[] {1, 1, 1}, new int[] {2, 1})).containsExactly(0, 0, 1);
        // agent: "é" | "x€" (starts 0, 2); critic: C3 | A9 "x" | E2 82 | AC (ends 1, 3, 5, 6)
        //   "x€" starts at 2: C3 ends at 1; "A9 x" ends at 3 and holds the agent's own "x"  -> 0, 1
        assertThat(TokenAlignment.positions(new int[] {2, 4}, new int[] {1, 2, 2, 1})).containsExactly(0, 1);
        // the lengths as the real strings give them
        int[] agent = {"é".getBytes(StandardCharsets.UTF_8).length, "x€".getBytes(StandardCharsets.UTF_8).length};
        assertThat(agent).containsExactly(2, 4);
    }

    /** A tokenizer of whole pieces: id k is pieces.get(k); id 0 is a special stop token that actions skip. */
    private record Pieces(List<String> pieces) implements Tokenizer {
        @Override
        public int[] encode(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String decode(int[] ids) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) sb.append(pieces.get(id));
            return sb.toString();
        }

        @Override
        public String decodeAction(int[] ids) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) if (id != 0) sb.append(pieces.get(id));
            return sb.toString();
        }

        @Override
        public int eosId() {
            return 0;
        }

        @Override
        public int padId() {
            return 0;
        }

        @Override
        public int vocabSize() {
            return pieces.size();
        }
    }

    @Test
    void aDecisionOnAnotherTokenizerRunsItsTextInTheCriticsTokensThenOneFiller() {
        Tokenizer agent = new Pieces(List.of("<|im_end|>", "12", " +", " 3")), critic = new CharTokenizer(5);
        int[] criticPrompt = {101, 102, 103, 104, 105};
        AgentStep s = new AgentStep("obs", new int[] {7, 8}, new int[] {1, 2, 3, 0}, "12 + 3", new float[4], true, criticPrompt);
        TokenAlignment.Row r = TokenAlignment.across(s, agent, critic, 1000);
        // critic: one token per character, so agent token j (starts 0, 2, 4, 6) reads after that many characters
        assertThat(r.positions()).containsExactly(0, 2, 4, 6);
        int c = 3 + 5; // CharTokenizer(5)'s first character id
        assertThat(r.criticAction()).containsExactly(c + '1', c + '2', c + ' ', c + '+', c + ' ', c + '3', CharTokenizer.EOS);
        assertThat(r.criticPrompt()).isEqualTo(criticPrompt);
        assertThat(r.ownIds()).isFalse();
        // cut by max_new_tokens (no EOS): the last agent token " 3" starts at 4, so 4 critic tokens and the filler
        AgentStep cut = new AgentStep("obs", new int[] {7, 8}, new int[] {1, 2, 3}, "12 + 3", new float[3], false, criticPrompt);
        assertThat(TokenAlignment.across(cut, agent, critic, 1000).criticAction()).containsExactly(c + '1', c + '2', c + ' ', c + '+', CharTokenizer.EOS);
        // a critic with 10 positions: 7 action ids leave 3 for the prompt, its last three
        assertThat(TokenAlignment.across(s, agent, critic, 10).criticPrompt()).containsExactly(103, 104, 105);
        // on the critic's tokenizer: the agent's own ids, token j at entry j
        TokenAlignment.Row own = TokenAlignment.identity(s);
        assertThat(own.criticAction()).containsExactly(1, 2, 3, 0);
        assertThat(own.positions()).containsExactly(0, 1, 2, 3);
        assertThat(own.ownIds()).isTrue();
    }
}
