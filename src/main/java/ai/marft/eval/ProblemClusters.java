package ai.marft.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy and pass@k over N problems with K samples each, with 95% intervals that count problems,
 * not samples, as the independent units: K samples of one problem share its difficulty, so they
 * carry less than K problems' worth of evidence.
 *
 * <p>Each problem contributes one value in [0, 1] (its fraction correct for accuracy, Chen et al.'s
 * unbiased pass@k for pass@k); the estimate is their mean p. Its variance is estimated from the
 * between-problem spread, s² / N (s² the sample variance of the N values), which turns into an
 * effective number of independent trials n_eff = p(1 - p) / (s² / N) (Kish's design effect), and the
 * interval is Wilson's score interval at n_eff (the effective-sample-size interval of survey
 * statistics, Korn and Graubard 1998). n_eff is kept in [N, N × ⌊K / k⌋]: a value in [0, 1] varies at
 * most as a Bernoulli variable does, so N is the least any N problems are worth, and ⌊K / k⌋ disjoint
 * groups of k samples per problem is the most pass@k's samples can be worth. When every value is 0,
 * or every one is 1, the spread says nothing about dependence and n_eff is N (the cautious end).
 * With K = 1 this is the plain Wilson interval over N problems.
 */
public final class ProblemClusters {
    /**
     * One estimate.
     *
     * @param k           pass@k's k (1: accuracy)
     * @param value       mean over problems of the per-problem values
     * @param ci95        Wilson 95% interval at the effective number of trials
     * @param effectiveN  that number, in [N, N × ⌊K / k⌋]
     */
    public record Estimate(int k, double value, double[] ci95, double effectiveN) {}

    private ProblemClusters() {}

    /**
     * Chen et al. (2021)'s unbiased pass@k of one problem from {@code n} samples of which {@code c}
     * are correct: 1 - C(n - c, k) / C(n, k), computed as their product form (no large binomials).
     */
    public static double passAtK(int n, int c, int k) {
        if (k < 1 || k > n || c < 0 || c > n) throw new IllegalArgumentException("pass@" + k + " of " + c + "/" + n);
        if (n - c < k) return 1.0;
        double allWrong = 1.0; // C(n - c, k) / C(n, k) = prod_{i = n - c + 1}^{n} (1 - k / i)
        for (int i = n - c + 1; i <= n; i++) allWrong *= 1.0 - (double) k / i;
        return 1.0 - allWrong;
    }

    /** pass@k (k = 1: accuracy) over problems whose correct counts out of {@code samples} are {@code correct}. */
    public static Estimate estimate(int[] correct, int samples, int k) {
        int n = correct.length;
        if (n < 1) throw new IllegalArgumentException("no problems");
        double[] v = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += v[i] = passAtK(samples, correct[i], k);
        double p = sum / n, ss = 0;
        for (double x : v) ss += (x - p) * (x - p);
        double varianceOfMean = n > 1 ? ss / (n - 1) / n : Double.NaN;
        double most = (double) n * (samples / k), bernoulli = p * (1 - p), effective;
        if (bernoulli == 0 || n == 1) effective = n;
        else if (varianceOfMean == 0) effective = most;
        else effective = Math.max(n, Math.min(most, bernoulli / varianceOfMean));
        return new Estimate(k, p, EvalReport.wilson(p, effective, EvalReport.Z95), effective);
    }

    /** The k reported for K samples: 1, 2, 4, ... below K, and K itself. */
    public static List<Integer> reportedK(int samples) {
        List<Integer> ks = new ArrayList<>();
        for (int k = 1; k < samples; k *= 2) ks.add(k);
        ks.add(samples);
        return ks;
    }
}
