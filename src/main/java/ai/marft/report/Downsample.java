package ai.marft.report;

/**
 * Fewer points for a chart than a long run logged (a chart has about 500 pixels across; TensorBoard
 * likewise samples its series). The raw series keeps each bucket's lowest and highest point, so a
 * spike stays visible; a smoothed series keeps each bucket's mean. Series at or under the limit are returned as they are.
 */
final class Downsample {
    private Downsample() {}

    /** At most {@code max} points: per bucket of consecutive points, its minimum and maximum in x order. */
    static double[][] minMax(double[] x, double[] y, int max) {
        int n = x.length;
        if (n <= max) return new double[][]{x, y};
        int buckets = max / 2;
        double[] ox = new double[2 * buckets], oy = new double[2 * buckets];
        int k = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets), to = (int) ((long) (b + 1) * n / buckets);
            int lo = from, hi = from;
            for (int i = from; i < to; i++) {
                if (y[i] < y[lo]) lo = i;
                if (y[i] > y[hi]) hi = i;
            }
            int first = Math.min(lo, hi), second = Math.max(lo, hi);
            ox[k] = x[first];
            oy[k++] = y[first];
            if (second != first) {
                ox[k] = x[second];
                oy[k++] = y[second];
            }
        }
        return new double[][]{java.util.Arrays.copyOf(ox, k), java.util.Arrays.copyOf(oy, k)};
    }

    /** At most {@code max} points: the mean x and mean y of each bucket of consecutive points (no aliasing of a periodic series). */
    static double[][] mean(double[] x, double[] y, int max) {
        int n = x.length;
        if (n <= max) return new double[][]{x, y};
        double[] ox = new double[max], oy = new double[max];
        for (int b = 0; b < max; b++) {
            int from = (int) ((long) b * n / max), to = (int) ((long) (b + 1) * n / max);
            for (int i = from; i < to; i++) {
                ox[b] += x[i];
                oy[b] += y[i];
            }
            ox[b] /= to - from;
            oy[b] /= to - from;
        }
        return new double[][]{ox, oy};
    }
}
