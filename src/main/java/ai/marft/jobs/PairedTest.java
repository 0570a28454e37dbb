package ai.marft.jobs;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * A two-sided paired t-test of x against y (x[s] and y[s] measured under the same seed s): the mean of
 * the differences, t = mean / (sd / √n) with n − 1 degrees of freedom, and its p-value from Commons
 * Math's Student t distribution. Identical differences (sd 0) give t = ±∞ and p = 0, or t = 0 and p = 1
 * when they are all zero.
 */
record PairedTest(double meanDifference, double t, double p) {
    static PairedTest of(double[] x, double[] y) {
        int n = x.length;
        if (n != y.length || n < 2) throw new IllegalArgumentException("a paired test needs two samples of equal length >= 2, got " + n + " and " + y.length);
        double[] d = new double[n];
        for (int s = 0; s < n; s++) d[s] = x[s] - y[s];
        Compare.MeanStd m = Compare.MeanStd.of(d);
        double mean = m.mean(), se = m.std() / Math.sqrt(n);
        if (se == 0) return mean == 0 ? new PairedTest(0, 0, 1) : new PairedTest(mean, Math.copySign(Double.POSITIVE_INFINITY, mean), 0);
        double t = mean / se;
        return new PairedTest(mean, t, 2 * new TDistribution(n - 1).cumulativeProbability(-Math.abs(t)));
    }
}
