package ai.marft.algo;

import ai.djl.ndarray.NDArray;

import java.util.Arrays;

/**
 * One rollout prepared for the PPO update, at either level: per decision d ({@link Decisions}) a
 * row of entries, one per action at action level (MARFT-A) or one per action token at token level
 * (MARFT-T, GRPO). Per entry: the behaviour log-prob (at action level the action's log-prob under
 * {@code normalization_mode}), the critic's value, the return and the normalised advantage.
 * {@code criticFeatures} [D, W, H] is the frozen base's hidden state that the critic reads for each
 * entry (W = 1 at action level: the last prompt token), computed once per iteration so that only the
 * critic's small MLP runs per epoch. Without a critic (GRPO) values, returns and features are null.
 * {@code klToBase}: per decision log π − log π_base (null unless {@code kl_coef} is on).
 */
public record Experience(Decisions decisions, boolean actionLevel, double[][] oldLogProbs, double[][] values,
                         double[][] returns, double[][] advantages, NDArray criticFeatures, double[] klToBase) {
    /** Entries of decision d: 1 at action level, its tokens at token level. */
    public int width(int d) {
        return advantages[d].length;
    }

    /** Number of entries of the given decisions: the weight of a chunk in a minibatch's mean. */
    public int entries(int[] ds) {
        int n = 0;
        for (int d : ds) n += width(d);
        return n;
    }

    /** {@code perEntry[d][k]} for the given decisions as a row-major [decisions, width] array, 0 beyond each row. */
    public static float[] padded(double[][] perEntry, int[] ds, int width) {
        float[] out = new float[ds.length * width];
        for (int r = 0; r < ds.length; r++) {
            double[] x = perEntry[ds[r]];
            for (int k = 0; k < x.length; k++) out[r * width + k] = (float) x[k];
        }
        return out;
    }

    /** The validity mask [decisions, width]: 1 at real entries. */
    public float[] mask(int[] ds, int width) {
        float[] out = new float[ds.length * width];
        for (int r = 0; r < ds.length; r++) Arrays.fill(out, r * width, r * width + width(ds[r]), 1f);
        return out;
    }
}
