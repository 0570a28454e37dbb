package ai.marft.report;

import java.util.List;

/**
 * One episode as the transcript browser shows it: one line of {@code transcripts.jsonl}.
 *
 * @param iteration the training iteration whose rollout produced it (0 for an evaluation before training)
 * @param env       the environment (rollout thread) it ran in; for a held-out record, the problem's index
 * @param turns     every agent's turn in order
 * @param reward    the episode's return
 * @param correct   whether the judge said the final answer is correct
 */
public record Episode(long iteration, int env, String problem, List<Turn> turns, double reward, boolean correct) {
    /**
     * One agent's turn.
     *
     * @param prompt what the agent was shown (null when not logged: the prompts repeat the problem and earlier turns)
     * @param action what it generated
     */
    public record Turn(String role, String prompt, String action) {}

    public Episode {
        turns = List.copyOf(turns);
    }
}
