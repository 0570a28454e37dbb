package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * What one no-grad forward of the frozen base over prompt + action gives the trainer
 * ({@link LmEngine#baseForward}): the final hidden state at each prompt's last token (the critic's
 * feature), optionally those at every action-predicting position, and optionally the base log-probs
 * of the action tokens.
 *
 * @param promptHidden   [B][H]: final hidden state at the last prompt token
 * @param actionHidden   [B][len_b][H] (null unless asked): entry j is at the position predicting action token j
 *                       (entry 0 is promptHidden's), as {@link LmEngine#baseHidden} orders them
 * @param actionLogprobs [B][len_b] (null unless asked): log π_base(action token j | prompt, action[<j])
 */
public record BaseForward(float[][] promptHidden, float[][][] actionHidden, float[][] actionLogprobs) {
    /** The prompt features as one array [B, H] owned by m. */
    public NDArray promptHidden(NDManager m) {
        int rows = promptHidden.length, h = rows == 0 ? 0 : promptHidden[0].length;
        float[] flat = new float[rows * h];
        for (int b = 0; b < rows; b++) System.arraycopy(promptHidden[b], 0, flat, b * h, h);
        return Owned.of(m.create(flat, new Shape(rows, h)));
    }

    /** The action-position features as one array [B, amax, H] owned by m, zeros beyond each action (amax ≥ every length, ≥ 1). */
    public NDArray actionHidden(NDManager m, int amax) {
        if (actionHidden == null) throw new IllegalStateException("the forward was run without action hidden states");
        int rows = actionHidden.length, h = promptHidden.length == 0 ? 0 : promptHidden[0].length;
        float[] flat = new float[rows * amax * h];
        for (int b = 0; b < rows; b++) {
            float[][] a = actionHidden[b];
            if (a.length > amax) throw new IllegalArgumentException("action " + b + " has " + a.length + " positions, more than amax " + amax);
            for (int j = 0; j < a.length; j++) System.arraycopy(a[j], 0, flat, (b * amax + j) * h, h);
            if (a.length == 0) System.arraycopy(promptHidden[b], 0, flat, b * amax * h, h); // as baseHidden: index 0 is the last prompt token
        }
        return Owned.of(m.create(flat, new Shape(rows, amax, h)));
    }
}
