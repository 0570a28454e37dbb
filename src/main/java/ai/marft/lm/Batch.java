package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Left-padded token rows with their position ids and attention masks. Row b has {@code pads[b]}
 * padding slots first; its real token j sits at slot pads[b] + j with RoPE position j, so a sequence
 * gets the same numbers alone or in any batch.
 */
final class Batch {
    final int rows, length;
    final int[] pads;
    private final int[] ids;

    Batch(List<int[]> seqs, int padId) {
        rows = seqs.size();
        int max = 0;
        for (int[] s : seqs) max = Math.max(max, s.length);
        length = max;
        pads = new int[rows];
        ids = new int[rows * length];
        for (int b = 0; b < rows; b++) {
            int[] s = seqs.get(b);
            pads[b] = length - s.length;
            for (int j = 0; j < length; j++) ids[b * length + j] = j < pads[b] ? padId : s[j - pads[b]];
        }
    }

    /** Token ids [B, L] (int32). */
    NDArray ids(NDManager m) {
        return Owned.of(m.create(ids, new Shape(rows, length)));
    }

    /** RoPE positions [B, T] (float32) of slots [start, start + t); padding slots get 0. */
    NDArray positions(NDManager m, int start, int t) {
        float[] p = new float[rows * t];
        for (int b = 0; b < rows; b++)
            for (int i = 0; i < t; i++) p[b * t + i] = Math.max(0, start + i - pads[b]);
        return Owned.of(m.create(p, new Shape(rows, t)));
    }

    /**
     * Additive mask [B, 1, t, s] for queries at slots [start, start + t) over key slots [0, s):
     * a key is visible when it is not padding and not after the query.
     */
    NDArray mask(NDManager m, int start, int t, int s) {
        float[] mask = new float[rows * t * s];
        for (int b = 0; b < rows; b++)
            for (int i = 0; i < t; i++)
                for (int j = 0; j < s; j++)
                    if (j < pads[b] || j > start + i) mask[(b * t + i) * s + j] = CausalLm.MASKED;
        return Owned.of(m.create(mask, new Shape(rows, 1, t, s)));
    }
}
