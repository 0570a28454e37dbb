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
 * @param routes            [t][e] the agents the router called, as "planner, solver" (null entries: no router)
 * @param fallbacks         [t][e] whether the router's action was malformed and its default route taken
 */
public record RolloutBatch(AgentStep[][][] actions, double[][][] rewards, boolean[][] dones, List<List<Map<String, Object>>> infos,
                           List<List<String>> finalObservations, int[][] bootstrapPrompts, String[][] routes, boolean[][] fallbacks) {
    /** A rollout of a team without a router: every agent acted at every step. */
    public RolloutBatch(AgentStep[][][] actions, double[][][] rewards, boolean[][] dones, List<List<Map<String, Object>>> infos,
                        List<List<String>> finalObservations, int[][] bootstrapPrompts) {
        this(actions, rewards, dones, infos, finalObservations, bootstrapPrompts,
                new String[actions.length][actions.length == 0 ? 0 : actions[0].length], new boolean[actions.length][actions.length == 0 ? 0 : actions[0].length]);
    }

    /** Whether agent i acted in env e at step t (a router may have left it out). */
    public boolean acted(int t, int e, int i) {
        return actions[t][e][i] != null;
    }

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
        for (AgentStep[][] step : actions) for (AgentStep[] env : step) for (AgentStep a : env) if (a != null) n += a.actionTokens().length;
        return n;
    }
}
