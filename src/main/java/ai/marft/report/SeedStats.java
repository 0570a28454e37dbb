package ai.marft.report;

import java.util.List;
import java.util.TreeMap;

/**
 * Mean and sample standard deviation over seeds of one metric, per iteration: at each iteration the
 * seeds that logged a value there (time-budgeted runs reach different iteration counts).
 *
 * @param iterations the x values, ascending
 * @param mean       mean over the seeds with a value
 * @param low        mean − std (NaN where fewer than two seeds have a value)
 * @param high       mean + std
 */
public record SeedStats(double[] iterations, double[] mean, double[] low, double[] high) {
    /** Statistics of {@code runs} (each: x values and y values, NaN for missing). */
    public static SeedStats of(List<double[][]> runs) {
        TreeMap<Double, double[]> acc = new TreeMap<>(); // x -> {n, sum, sum of squares}
        for (double[][] r : runs)
            for (int i = 0; i < r[0].length; i++) {
                if (Double.isNaN(r[1][i])) continue;
                double[] a = acc.computeIfAbsent(r[0][i], k -> new double[3]);
                a[0]++;
                a[1] += r[1][i];
                a[2] += r[1][i] * r[1][i];
            }
        int n = acc.size(), k = 0;
        double[] x = new double[n], mean = new double[n], low = new double[n], high = new double[n];
        for (var e : acc.entrySet()) {
            double[] a = e.getValue();
            x[k] = e.getKey();
            mean[k] = a[1] / a[0];
            double sd = a[0] < 2 ? Double.NaN : Math.sqrt(Math.max(0, (a[2] - a[0] * mean[k] * mean[k]) / (a[0] - 1)));
            low[k] = mean[k] - sd;
            high[k] = mean[k] + sd;
            k++;
        }
        return new SeedStats(x, mean, low, high);
    }
}
