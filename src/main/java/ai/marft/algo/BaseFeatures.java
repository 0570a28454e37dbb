package ai.marft.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.marft.lm.LmEngine;
import ai.marft.lm.ValueHead;

import java.util.Collections;
import java.util.List;

/**
 * What the critic reads: the frozen base's final hidden states (no adapter, no gradient; the engine's
 * no-grad path, {@link LmEngine#baseForward}), computed once per iteration in chunks of
 * {@link #CHUNK_ROWS} sequences, and the critic's values on them.
 */
final class BaseFeatures {
    /** Sequences per frozen-base forward. */
    static final int CHUNK_ROWS = 32;

    private BaseFeatures() {}

    /** The hidden state at each prompt's last token, [n, 1, H], owned by m (action level, bootstrap values). */
    static NDArray lastPromptToken(LmEngine engine, NDManager m, List<int[]> prompts) {
        NDList parts = new NDList();
        for (int s = 0; s < prompts.size(); s += CHUNK_ROWS) {
            List<int[]> part = prompts.subList(s, Math.min(prompts.size(), s + CHUNK_ROWS));
            NDArray h = engine.baseForward(part, Collections.nCopies(part.size(), new int[0]), false, null, false).promptHidden(m); // [b, H]
            parts.add(h.reshape(part.size(), 1, h.getShape().get(1)));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
    }

    /**
     * The hidden states at the positions that predict each action token, [n, width, H] (zeros beyond
     * an action), owned by m (token level).
     */
    static NDArray actionPositions(LmEngine engine, NDManager m, List<int[]> prompts, List<int[]> actions, int width) {
        NDList parts = new NDList();
        for (int s = 0; s < prompts.size(); s += CHUNK_ROWS) {
            int e = Math.min(prompts.size(), s + CHUNK_ROWS);
            // [b, width, H]; zeros after each action's end (masked out of every loss)
            parts.add(engine.baseForward(prompts.subList(s, e), actions.subList(s, e), true, null, false).actionHidden(m, width));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
    }

    /** The critic's values on features [n, w, H] (no gradient), row-major [n * w]. */
    static double[] values(LmEngine engine, ValueHead critic, NDArray features) {
        try (NDManager m = engine.model().manager().newSubManager()) {
            NDArray v = critic.forward(features.stopGradient());
            v.attach(m);
            float[] f = v.toFloatArray();
            double[] out = new double[f.length];
            for (int k = 0; k < f.length; k++) out[k] = f[k];
            return out;
        }
    }
}
