package ai.marft.algo;

import ai.marft.mas.AgentStep;
import ai.marft.mas.RolloutBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * A rollout's decisions flattened in acting order: decision d = {@link #index}(t, e, i) is agent i's
 * action in environment e at joint step t, so each environment step (t, e) is one row of
 * {@code agents} consecutive decisions and GAE's backward pass over (t, i) runs over d in order.
 * Every algorithm reads the rollout through this one index.
 */
public record Decisions(int steps, int envs, int agents, List<AgentStep> all) {
    /** The decisions of {@code b}, flattened. */
    public static Decisions of(RolloutBatch b) {
        List<AgentStep> all = new ArrayList<>(b.steps() * b.envs() * b.agents());
        for (int t = 0; t < b.steps(); t++)
            for (int e = 0; e < b.envs(); e++)
                for (int i = 0; i < b.agents(); i++) all.add(b.action(t, e, i));
        return new Decisions(b.steps(), b.envs(), b.agents(), List.copyOf(all));
    }

    /** The flat index of agent i's decision in environment e at step t. */
    public static int index(int t, int e, int i, int envs, int agents) {
        return (t * envs + e) * agents + i;
    }

    public int index(int t, int e, int i) {
        return index(t, e, i, envs, agents);
    }

    /** The agent that took decision d. */
    public int agentOf(int d) {
        return d % agents;
    }

    public int size() {
        return all.size();
    }

    public AgentStep get(int d) {
        return all.get(d);
    }

    /** Environment-step rows (t, e): the unit PPO shuffles into minibatches. */
    public int rows() {
        return steps * envs;
    }

    /** Decisions of the given rows: all agents' ({@code agent} &lt; 0) or one agent's, row by row. */
    public int[] of(int[] rows, int agent) {
        int per = agent < 0 ? agents : 1;
        int[] out = new int[rows.length * per];
        for (int r = 0; r < rows.length; r++)
            for (int k = 0; k < per; k++) out[r * per + k] = rows[r] * agents + (agent < 0 ? k : agent);
        return out;
    }

    public List<int[]> prompts() {
        return all.stream().map(AgentStep::promptTokens).toList();
    }

    /** Each decision's prompt in the critic's tokenizer (the agent's own ids when it shares the critic's base). */
    public List<int[]> criticPrompts() {
        return all.stream().map(AgentStep::criticPromptTokens).toList();
    }

    public List<int[]> actions() {
        return all.stream().map(AgentStep::actionTokens).toList();
    }

    /** The longest action, in tokens (at least 1). */
    public int longestAction() {
        int n = 1;
        for (AgentStep a : all) n = Math.max(n, a.actionTokens().length);
        return n;
    }
}
