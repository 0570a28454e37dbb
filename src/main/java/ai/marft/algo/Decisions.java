package ai.marft.algo;

import ai.marft.mas.AgentStep;
import ai.marft.mas.RolloutBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * A rollout's decisions flattened in acting order: decision d = {@link #index}(t, e, i) is agent i's
 * action in environment e at joint step t, so each environment step (t, e) is one row of
 * {@code agents} consecutive decisions and GAE's backward pass over (t, i) runs over d in order.
 * Every algorithm reads the rollout through this one index. With a router, a decision is absent
 * (null) when its agent did not act: {@link #of(int[], int)} leaves it out, so no update touches it, and
 * the per-decision views ({@link #prompts()}, {@link #actions()}, ...) show the row's first decision in
 * its place (a stand-in that keeps arrays aligned; its values are never used).
 */
public record Decisions(int steps, int envs, int agents, List<AgentStep> all) {
    /** The decisions of {@code b}, flattened. */
    public static Decisions of(RolloutBatch b) {
        List<AgentStep> all = new ArrayList<>(b.steps() * b.envs() * b.agents());
        for (int t = 0; t < b.steps(); t++)
            for (int e = 0; e < b.envs(); e++)
                for (int i = 0; i < b.agents(); i++) all.add(b.action(t, e, i));
        return new Decisions(b.steps(), b.envs(), b.agents(), java.util.Collections.unmodifiableList(all));
    }

    /** The flat index of agent i's decision in environment e at step t. */
    public static int index(int t, int e, int i, int envs, int agents) {
        return (t * envs + e) * agents + i;
    }

    public int index(int t, int e, int i) {
        return index(t, e, i, envs, agents);
    }

    /** A per-decision array as [t][e][i]. */
    public double[][][] unflatten(double[] perDecision) {
        double[][][] out = new double[steps][envs][agents];
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++)
                for (int i = 0; i < agents; i++) out[t][e][i] = perDecision[index(t, e, i)];
        return out;
    }

    /** The agent that took decision d. */
    public int agentOf(int d) {
        return d % agents;
    }

    public int size() {
        return all.size();
    }

    /** Decision d; null when its agent did not act. */
    public AgentStep get(int d) {
        return all.get(d);
    }

    /** Whether decision d's agent acted. */
    public boolean acted(int d) {
        return all.get(d) != null;
    }

    /** [t][e][i] whether the agent acted. */
    public boolean[][][] actedGrid() {
        boolean[][][] a = new boolean[steps][envs][agents];
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++)
                for (int i = 0; i < agents; i++) a[t][e][i] = acted(index(t, e, i));
        return a;
    }

    /** Decision d, or when absent the first decision of its row (the router's, which always acts). */
    AgentStep stand(int d) {
        return all.get(standIndex(d));
    }

    /** The index of {@link #stand}(d): d itself, or when absent the first decision of its row that acted. */
    int standIndex(int d) {
        if (all.get(d) != null) return d;
        int row = d / agents;
        for (int k = row * agents; k < row * agents + agents; k++) if (all.get(k) != null) return k;
        throw new IllegalStateException("no agent acted in row " + row);
    }

    /** Whether any decision is absent. */
    public boolean routed() {
        return all.contains(null);
    }

    /** Environment-step rows (t, e): the unit PPO shuffles into minibatches. */
    public int rows() {
        return steps * envs;
    }

    /** Decisions of the given rows that acted: all agents' ({@code agent} &lt; 0) or one agent's, row by row. */
    public int[] of(int[] rows, int agent) {
        int per = agent < 0 ? agents : 1;
        java.util.stream.IntStream.Builder out = java.util.stream.IntStream.builder();
        for (int row : rows)
            for (int k = 0; k < per; k++) {
                int d = row * agents + (agent < 0 ? k : agent);
                if (all.get(d) != null) out.add(d);
            }
        return out.build().toArray();
    }

    public List<int[]> prompts() {
        return java.util.stream.IntStream.range(0, size()).mapToObj(d -> stand(d).promptTokens()).toList();
    }

    /** Each decision's prompt in the critic's tokenizer (the agent's own ids when it shares the critic's base). */
    public List<int[]> criticPrompts() {
        return java.util.stream.IntStream.range(0, size()).mapToObj(d -> stand(d).criticPromptTokens()).toList();
    }

    public List<int[]> actions() {
        return java.util.stream.IntStream.range(0, size()).mapToObj(d -> stand(d).actionTokens()).toList();
    }

    /** The longest action, in tokens (at least 1). */
    public int longestAction() {
        int n = 1;
        for (AgentStep a : all) if (a != null) n = Math.max(n, a.actionTokens().length);
        return n;
    }
}
