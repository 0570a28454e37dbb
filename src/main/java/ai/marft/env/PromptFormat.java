package ai.marft.env;

import java.util.List;

/**
 * The strings of MARFT.md §3, in one place: the environment state, each agent's prompt within a
 * step, and the state update after a step. Rollouts, evaluation and pretraining transcripts all use
 * these, so a model trained on transcripts sees exactly the prompts it will be asked.
 */
public final class PromptFormat {
    private PromptFormat() {}

    /** One earlier agent's turn within the current step. */
    public record Turn(String role, String action) {}

    /** Reset state: {@code <|im_start|>problem: P<|im_end|>\n}. */
    public static String initialState(String problem) {
        return "<|im_start|>problem: " + problem + "<|im_end|>\n";
    }

    /** Agent prompt: profile prompt + state + earlier turns of this step + {@code <|im_start|>role: }. */
    public static String agentPrompt(String profilePrompt, String state, List<Turn> earlier, String role) {
        StringBuilder sb = new StringBuilder(profilePrompt).append(state);
        for (Turn t : earlier) sb.append("<|im_start|>").append(t.role()).append(": ").append(t.action()).append("<|im_end|>\n");
        return sb.append("<|im_start|>").append(role).append(": ").toString();
    }

    /** State after a step: every agent's {@code role: action\n}, then the judge's line. */
    public static String nextState(String state, List<Turn> turns, boolean correct) {
        StringBuilder sb = new StringBuilder(state);
        for (Turn t : turns) sb.append(t.role()).append(": ").append(t.action()).append('\n');
        return sb.append(correct ? "judge: The answer is correct.\n" : "judge: The answer is incorrect.\n").toString();
    }
}
