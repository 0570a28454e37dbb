package ai.marft.rl;

/**
 * Advantage normalisation before a PPO update: (A − mean) / (std + eps) over the valid entries
 * only; invalid entries (padded tokens, decisions left out) come back as 0.
 *
 * <p>Estimator: the population standard deviation (divide by n, ddof = 0). The reference computes
 * {@code np.nanstd} (also ddof = 0) after turning every exact-zero advantage into NaN to skip
 * padding, which also drops genuine zeros; we take an explicit validity mask instead. Its eps is
 * 1e-8, added to the std ({@link #REFERENCE_EPS}).
 */
public final class AdvantageNorm {
    /** The reference's eps, added to the standard deviation. */
    public static final double REFERENCE_EPS = 1e-8;

    private AdvantageNorm() {}

    /** Normalises {@code x} over the entries where {@code valid} is true; the others become 0. */
    public static double[] normalize(double[] x, boolean[] valid, double eps) {
        if (x.length != valid.length) {
            throw new IllegalArgumentException(x.length + " advantages but " + valid.length + " validity flags");
        }
        int n = 0;
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            if (valid[j]) { n++; sum += x[j]; }
        }
        if (n == 0) throw new IllegalArgumentException("no valid advantage to normalise");
        double mean = sum / n, squares = 0;
        for (int j = 0; j < x.length; j++) {
            if (valid[j]) squares += (x[j] - mean) * (x[j] - mean);
        }
        double scale = Math.sqrt(squares / n) + eps;
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) out[j] = valid[j] ? (x[j] - mean) / scale : 0.0;
        return out;
    }

    /** Action level: every decision [t][e][i] is valid. */
    public static double[][][] normalize(double[][][] advantages, double eps) {
        boolean[][][] all = new boolean[advantages.length][advantages[0].length][advantages[0][0].length];
        for (boolean[][] plane : all) for (boolean[] row : plane) java.util.Arrays.fill(row, true);
        return normalize(advantages, all, eps);
    }

    /** Action level with a router: decision [t][e][i] is valid when the agent acted. */
    public static double[][][] normalize(double[][][] advantages, boolean[][][] acted, double eps) {
        int a = advantages.length, b = advantages[0].length, c = advantages[0][0].length;
        double[] flat = new double[a * b * c];
        boolean[] valid = new boolean[flat.length];
        int j = 0;
        for (int t = 0; t < a; t++)
            for (int e = 0; e < b; e++)
                for (int i = 0; i < c; i++, j++) {
                    valid[j] = acted[t][e][i];
                    flat[j] = advantages[t][e][i];
                }
        double[] norm = normalize(flat, valid, eps);
        double[][][] out = new double[a][b][c];
        j = 0;
        for (int t = 0; t < a; t++) for (int e = 0; e < b; e++) for (int i = 0; i < c; i++) out[t][e][i] = norm[j++];
        return out;
    }

    /** Token level: entry [t][e][i][k] is valid when k < lengths[t][e][i]. */
    public static double[][][][] normalize(double[][][][] advantages, int[][][] lengths, double eps) {
        int a = advantages.length, b = advantages[0].length, c = advantages[0][0].length, d = advantages[0][0][0].length;
        double[] flat = new double[a * b * c * d];
        boolean[] valid = new boolean[flat.length];
        int j = 0;
        for (int t = 0; t < a; t++)
            for (int e = 0; e < b; e++)
                for (int i = 0; i < c; i++)
                    for (int k = 0; k < d; k++, j++) {
                        flat[j] = advantages[t][e][i][k];
                        valid[j] = k < lengths[t][e][i];
                    }
        double[] norm = normalize(flat, valid, eps);
        double[][][][] out = new double[a][b][c][d];
        j = 0;
        for (int t = 0; t < a; t++)
            for (int e = 0; e < b; e++)
                for (int i = 0; i < c; i++)
                    for (int k = 0; k < d; k++) out[t][e][i][k] = norm[j++];
        return out;
    }
}
