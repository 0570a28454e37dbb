package ai.marft.algo;

import ai.djl.ndarray.NDArray;

import java.util.Arrays;
import java.util.List;

/**
 * One rollout prepared for a token-level update (MARFT-T, GRPO), flattened over decisions
 * d = (t·envs + e)·agents + i like {@link Experience}: prompt and action ids, and per action token
 * the behaviour log-prob, the critic's value, the return and the normalised advantage. Per-token
 * arrays have the action's length. Without a critic (GRPO) {@code values}, {@code returns} and
 * {@code criticFeatures} are null. {@code criticFeatures} [D, Amax, H] is the frozen base's hidden
 * state at the position that predicts each action token (computed once per iteration).
 */
public record TokenExperience(int steps, int envs, int agents, List<int[]> prompts, List<int[]> actions,
                              float[][] oldLogProbs, double[][] values, double[][] returns, double[][] advantages,
                              NDArray criticFeatures) {
    public int rows() {
        return steps * envs;
    }

    /** Decisions of the given rows: all agents' ({@code agent} &lt; 0) or one agent's, row by row. */
    public int[] entries(int[] rows, int agent) {
        return Minibatches.entries(rows, agents, agent);
    }

    /** Number of action tokens of the given decisions. */
    public int tokens(int[] decisions) {
        int n = 0;
        for (int d : decisions) n += actions.get(d).length;
        return n;
    }

    /** {@code perToken[d][k]} for the given decisions as a row-major [decisions, width] array, 0 beyond each action. */
    public float[] padded(double[][] perToken, int[] decisions, int width) {
        float[] out = new float[decisions.length * width];
        for (int r = 0; r < decisions.length; r++) {
            double[] x = perToken[decisions[r]];
            for (int k = 0; k < x.length; k++) out[r * width + k] = (float) x[k];
        }
        return out;
    }

    /** Behaviour log-probs of the given decisions as a row-major [decisions, width] array, 0 beyond each action. */
    public float[] paddedOldLogProbs(int[] decisions, int width) {
        float[] out = new float[decisions.length * width];
        for (int r = 0; r < decisions.length; r++) System.arraycopy(oldLogProbs[decisions[r]], 0, out, r * width, oldLogProbs[decisions[r]].length);
        return out;
    }

    /** The validity mask [decisions, width]: 1 at real action tokens. */
    public float[] mask(int[] decisions, int width) {
        float[] out = new float[decisions.length * width];
        for (int r = 0; r < decisions.length; r++) Arrays.fill(out, r * width, r * width + actions.get(decisions[r]).length, 1f);
        return out;
    }
}
