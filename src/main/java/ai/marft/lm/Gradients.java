package ai.marft.lm;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** Gradient bookkeeping DJL leaves to us: its GradientCollector accumulates and never zeroes. */
public final class Gradients {
    private Gradients() {}

    /** Sets the gradients of {@code params} to zero in place (parameters without one yet are skipped). */
    public static void zero(List<NDArray> params) {
        for (NDArray p : params) {
            if (!p.hasGradient()) continue;
            try (NDArray g = p.getGradient()) {
                g.subi(g);
            }
        }
    }

    /** Global L2 norm of the gradients of {@code params}. */
    public static double norm(List<NDArray> params) {
        double sum = 0;
        for (NDArray p : params) {
            if (!p.hasGradient()) continue;
            try (NDArray g = p.getGradient(); NDArray sq = g.square(); NDArray total = sq.sum()) {
                sum += total.getFloat();
            }
        }
        return Math.sqrt(sum);
    }
}
