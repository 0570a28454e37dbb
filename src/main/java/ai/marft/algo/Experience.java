package ai.marft.algo;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * One rollout prepared for the PPO update, flattened over decisions d = (t·envs + e)·agents + i:
 * prompt and action ids, action texts, behaviour log-probs (normalised by the configured mode),
 * critic values, GAE returns and normalised advantages, and the frozen base's hidden state at each
 * prompt's last token (computed once per iteration; only the critic's small MLP runs per epoch).
 * A row is one (t, e) with all its agents. {@code klToBase}: per decision log π − log π_base of the
 * action (null unless {@code kl_coef} is on).
 */
public record Experience(int steps, int envs, int agents, List<int[]> prompts, List<int[]> actions, String[] texts,
                         double[] oldLogProbs, double[] values, double[] returns, double[] advantages, NDArray criticFeatures,
                         double[] klToBase) {
    public int rows() {
        return steps * envs;
    }

    /** Decisions of the given rows: all agents' ({@code agent} &lt; 0) or one agent's, row by row. */
    public int[] entries(int[] rows, int agent) {
        return Minibatches.entries(rows, agents, agent);
    }

    public int[] prompt(int d) {
        return prompts.get(d);
    }

    public int[] action(int d) {
        return actions.get(d);
    }

    public String text(int d) {
        return texts[d];
    }

    /** {@code values[d]} for each d of {@code idx}, as floats (what the losses take). */
    public float[] gather(double[] values, int[] idx) {
        float[] out = new float[idx.length];
        for (int k = 0; k < idx.length; k++) out[k] = (float) values[idx[k]];
        return out;
    }
}
