package ai.marft.lm.decode;

import ai.marft.lm.LoraTarget;
import ai.marft.lm.ModelConfig;

/**
 * The LoRA adapters of one batch, row by row: row b uses adapter {@code rowAdapter[b]} (-1: none).
 * Each adapter's A [r, in] and scaling·Bᵀ [r, out] are copied once per batch into float arrays (a few
 * KB to MB): adapters are trained between batches, so nothing is kept across them.
 */
public final class RowLora {
    /** No adapter on any row. */
    public static final RowLora NONE = new RowLora(0, new int[0], 0);

    private final int[] rowAdapter;
    private final float[][][][] a, bT; // [adapter][layer][target ordinal]
    private final int[][][] rank;
    private int maxRank;

    /** Room for {@code adapters} adapters over {@code layers} layers; row b uses {@code rowAdapter[b]}. */
    public RowLora(int layers, int[] rowAdapter, int adapters) {
        this.rowAdapter = rowAdapter.clone();
        int t = LoraTarget.values().length;
        a = new float[adapters][layers][t][];
        bT = new float[adapters][layers][t][];
        rank = new int[adapters][layers][t];
    }

    private RowLora(int[] rowAdapter, RowLora of) {
        this.rowAdapter = rowAdapter;
        a = of.a;
        bT = of.bT;
        rank = of.rank;
        maxRank = of.maxRank;
    }

    /** Batch rows [from, to) of this one as rows 0, 1, ... (the adapters shared, not copied). */
    public RowLora rows(int from, int to) {
        return new RowLora(java.util.Arrays.copyOfRange(rowAdapter, Math.min(from, rowAdapter.length), Math.min(to, rowAdapter.length)), this);
    }

    /** Sets adapter k's (layer, target): A [r, in] row-major and B [out, r] row-major (PEFT), scaled here. */
    public void set(int k, int layer, LoraTarget target, float[] aRows, float[] b, int r, double scaling) {
        int out = b.length / r;
        float[] t = new float[r * out];
        for (int o = 0; o < out; o++)
            for (int j = 0; j < r; j++) t[j * out + o] = (float) (b[o * r + j] * scaling);
        a[k][layer][target.ordinal()] = aRows;
        bT[k][layer][target.ordinal()] = t;
        rank[k][layer][target.ordinal()] = r;
        maxRank = Math.max(maxRank, r);
    }

    int maxRank() {
        return maxRank;
    }

    /** The adapter of batch row b, or -1. */
    int adapterOf(int row) {
        return row < rowAdapter.length ? rowAdapter[row] : -1;
    }

    /**
     * y[yOff, yOff + out) += (x[xOff, xOff + in) · Aᵀ) · scaling·Bᵀ for adapter k at (layer, target);
     * tmp holds at least r floats, lanes {@link Kernels#SCRATCH}. Nothing when k is -1 or does not adapt the target.
     */
    void apply(int k, int layer, LoraTarget target, float[] x, int xOff, int in, float[] y, int yOff, int out, float[] tmp, float[] lanes) {
        if (k < 0) return;
        int t = target.ordinal();
        float[] ak = a[k][layer][t];
        if (ak == null) return;
        int r = rank[k][layer][t];
        float[] bk = bT[k][layer][t];
        for (int j = 0; j < r; j++) tmp[j] = Kernels.dot(ak, j * in, x, xOff, in, lanes);
        for (int j = 0; j < r; j++) Kernels.axpy(tmp[j], bk, j * out, y, yOff, out);
    }
}
