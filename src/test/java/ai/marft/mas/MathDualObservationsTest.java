package ai.marft.mas;

import ai.marft.SharedData;
import ai.marft.env.BoxedGrader;
import ai.marft.env.Problem;
import ai.marft.env.ProblemSource;
import ai.marft.env.QaEnv;
import ai.marft.env.VecEnv;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins, character for character, what each agent of the reference's math_dual.json team is shown (MARFT.md §3). */
class MathDualObservationsTest {
    // the two system prompts exactly as in the file (note: no newline after <|im_end|>)
    static final String REASONER_SYSTEM = "<|im_start|>system: Two LLM agents (Reasoner → Actor) collaborate step-by-step to solve math problems. "
            + "You are the **Reasoner**: Your sole job is to analyze the original problem, break it into sub-steps, plan the overall strategy, "
            + "and tell the Actor what operation to perform next. **Do not** carry out any computations or give numerical answers—only provide "
            + "the reasoning and the next action to take.<|im_end|>";
    static final String ACTOR_SYSTEM = "<|im_start|>system: Two LLM agents (Reasoner → Actor) collaborate step-by-step to solve math problems. "
            + "You are the **Actor**: Follow the Reasoner’s guidance, execute the required operations, show your work, and present the final "
            + "numerical result inside \\boxed{}. You may perform calculations, simplify expressions, and arrive at the answer.<|im_end|>";

    @Test
    void promptsAndStatesOverTwoStepsWithJudgeFeedback() {
        Team team = Profiles.load(SharedData.require("profiles/math_dual.json"));
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> switch (FakeGenerator.roleOf(prompt)) {
            case "reasoner" -> prompt.contains("incorrect") ? "Check the sum again." : "Add 2 and 3.";
            default -> prompt.contains("incorrect") ? "2+3=5, so \\boxed{5}" : "\\boxed{6}";
        });
        VecEnv env = QaEnv.vectorised(1, team.roles(), team.withAnswer(), new BoxedGrader(),
                ProblemSource.sequential(List.of(new Problem("What is 2+3?", "5"))), 3);
        env.reset();
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), RolloutTest.PARAMS), env, 2, 0);

        assertThat(gen.calls).hasSize(4);
        assertThat(gen.calls.get(0).prompts()).containsExactly(REASONER_SYSTEM
                + "<|im_start|>problem: What is 2+3?<|im_end|>\n<|im_start|>reasoner: ");
        assertThat(gen.calls.get(1).prompts()).containsExactly(ACTOR_SYSTEM
                + "<|im_start|>problem: What is 2+3?<|im_end|>\n<|im_start|>reasoner: Add 2 and 3.<|im_end|>\n<|im_start|>actor: ");
        String afterFirst = "<|im_start|>problem: What is 2+3?<|im_end|>\nreasoner: Add 2 and 3.\nactor: \\boxed{6}\njudge: The answer is incorrect.\n";
        assertThat(b.action(1, 0, 0).observation()).isEqualTo(afterFirst);
        assertThat(gen.calls.get(2).prompts()).containsExactly(REASONER_SYSTEM + afterFirst + "<|im_start|>reasoner: ");
        assertThat(gen.calls.get(3).prompts()).containsExactly(ACTOR_SYSTEM + afterFirst
                + "<|im_start|>reasoner: Check the sum again.<|im_end|>\n<|im_start|>actor: ");
        assertThat(b.rewards()[0][0]).containsExactly(0.0, 0.0);
        assertThat(b.rewards()[1][0]).containsExactly(0.0, 1.0);
        assertThat(b.dones()).isDeepEqualTo(new boolean[][]{{false}, {true}});
    }
}
