package ai.marft.env;

import java.util.List;

/**
 * One environment a team of agents acts in (MARFT.md §3). A joint step takes one action text per
 * agent (acting order) and gives one observation and one reward per agent. An environment is a
 * small class implementing these three methods; {@link VecEnv} runs many of them side by side.
 */
public interface Env {
    /** Number of agents the environment expects per joint step. */
    int numAgents();

    /** Starts a new episode and returns each agent's first observation. */
    List<String> reset();

    /**
     * Applies one joint action. Calling it after the episode is done, without {@link #reset()}, is
     * an {@link IllegalStateException}.
     *
     * @param actions one action text per agent, acting order; null for an agent a router left out of the step
     */
    StepResult step(List<String> actions);
}
