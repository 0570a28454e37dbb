package ai.marft.pretrain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CardEvalTest {
    @Test
    void plansAndAnswersFollowTheTaskGrammar() {
        assertThat(CardEval.grammatical("3 * 8 = 24, so 7 + 24 - 5", false)).isTrue();
        assertThat(CardEval.grammatical("7 + 3 = 10, 10 * 8 = 80, so 80", false)).isTrue();
        assertThat(CardEval.grammatical("3 - 8 = -5, -5 * 2 = -10, so -10 + 4", false)).isTrue();
        assertThat(CardEval.grammatical("so 7 + 24", false)).isFalse();               // no product worked out
        assertThat(CardEval.grammatical("3 * 8 = 24, so 7 + 24 -", false)).isFalse();
        assertThat(CardEval.grammatical("3 * 8 = 24, \\boxed{24}", false)).isFalse();
        assertThat(CardEval.grammatical(null, false)).isFalse();

        assertThat(CardEval.grammatical("7 + 24 = 31, 31 - 5 = 26, \\boxed{26}", true)).isTrue();
        assertThat(CardEval.grammatical("\\boxed{-80}", true)).isTrue();
        assertThat(CardEval.grammatical("7 + 24 = 31, \\boxed{2.5}", true)).isFalse();
        assertThat(CardEval.grammatical("7 + 24 = 31, 31 - 5 = 26", true)).isFalse();
        assertThat(CardEval.grammatical("\\boxed{26} and more", true)).isFalse();
    }

    @Test
    void findsEachRolesTurnInAnEpisodeState() {
        String state = "<|im_start|>problem: What is 7 + 3 * 8 - 5?<|im_end|>\nplanner: 3 * 8 = 24, so 7 + 24 - 5\n"
                + "solver: 7 + 24 = 31, 31 - 5 = 26, \\boxed{26}\njudge: The answer is correct.\n";
        assertThat(CardEval.turn(state, "planner")).isEqualTo("3 * 8 = 24, so 7 + 24 - 5");
        assertThat(CardEval.turn(state, "solver")).isEqualTo("7 + 24 = 31, 31 - 5 = 26, \\boxed{26}");
        assertThat(CardEval.turn(state, "critic")).isNull();
    }
}
