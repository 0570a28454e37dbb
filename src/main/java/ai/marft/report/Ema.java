package ai.marft.report;

/**
 * Exponential moving average with TensorBoard's debiasing: s_k = w·s_{k−1} + (1−w)·x_k from s_0 = 0,
 * shown as s_k / (1 − w^k) so the first points are not pulled toward zero. NaN points (no value on
 * that line) stay NaN and do not count. Own code: five lines, and the plotting library has no smoother.
 */
public final class Ema {
    private Ema() {}

    /** The smoothed series of {@code x} with weight {@code w} in [0, 1): 0 returns x, larger is smoother. */
    public static double[] smooth(double[] x, double w) {
        if (!(w >= 0 && w < 1)) throw new IllegalArgumentException("smoothing weight must be in [0, 1), got " + w);
        double[] out = new double[x.length];
        double s = 0, decay = 1;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i])) {
                out[i] = Double.NaN;
                continue;
            }
            s = w * s + (1 - w) * x[i];
            decay *= w;
            out[i] = s / (1 - decay);
        }
        return out;
    }
}
