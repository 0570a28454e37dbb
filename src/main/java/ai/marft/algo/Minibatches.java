package ai.marft.algo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Index splitting for PPO: shuffled minibatches of rollout rows, and contiguous chunks for gradient accumulation. */
public final class Minibatches {
    private Minibatches() {}

    /** Rows 0..rows-1 in an order drawn from {@code rng} (Fisher–Yates), cut into {@code count} near-equal minibatches. */
    public static List<int[]> split(int rows, int count, Random rng) {
        int[] order = new int[rows];
        for (int k = 0; k < rows; k++) order[k] = k;
        for (int k = rows - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int tmp = order[k];
            order[k] = order[j];
            order[j] = tmp;
        }
        return chunks(order, count);
    }

    /** {@code items} cut into min(count, length) contiguous parts whose sizes differ by at most one (numpy array_split). */
    public static List<int[]> chunks(int[] items, int count) {
        if (count < 1) throw new IllegalArgumentException("need at least one part, got " + count);
        int parts = Math.min(count, items.length), base = items.length / Math.max(1, parts), extra = items.length - base * parts;
        List<int[]> out = new ArrayList<>(parts);
        int start = 0;
        for (int p = 0; p < parts; p++) {
            int size = base + (p < extra ? 1 : 0);
            out.add(java.util.Arrays.copyOfRange(items, start, start + size));
            start += size;
        }
        return out;
    }
}
