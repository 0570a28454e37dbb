package ai.marft.mas;

import java.util.List;
import java.util.Map;

/**
 * What {@link Rollout} collected over T joint steps of n environments with N agents.
 *
 * @param actions           [t][e][i] each agent's recorded decision
 * @param rewards           [t][e][i] rewards of the step
 * @param dones             [t][e] whether environment e's episode ended at step t (it was reset after)
 * @param infos             [t][e] the environment's step infos
 * @param finalObservations [e][i] observations after the last step (for bootstrapping the critic)
 * @param bootstrapPrompts  [e] the first agent's prompt ids at the final observations
 */
public record RolloutBatch(AgentStep[][][] actions, double[][][] rewards, boolean[][] dones, List<List<Map<String, Object>>> infos,
                           List<List<String>> finalObservations, int[][] bootstrapPrompts) {
    public int steps() {
        return actions.length;
    }

    public int envs() {
        return actions.length == 0 ? 0 : actions[0].length;
    }

    public int agents() {
        return actions.length == 0 ? 0 : actions[0][0].length;
    }

    public AgentStep action(int t, int e, int i) {
        return actions[t][e][i];
    }

    /** Number of action tokens generated (EOS included). */
    public long tokenCount() {
        long n = 0;
        for (AgentStep[][] step : actions) for (AgentStep[] env : step) for (AgentStep a : env) n += a.actionTokens().length;
        return n;
    }
}
