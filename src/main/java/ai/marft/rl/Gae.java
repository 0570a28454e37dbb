package ai.marft.rl;

import java.util.ArrayList;
import java.util.List;

/**
 * Generalised advantage estimation over the agent sequence (MARFT.md §5). Each environment's
 * rollout is flattened into one sequence of decisions — (t, i) at action level, (t, i, k) at token
 * level — and a single backward recursion runs over it:
 * <pre>
 *   δ_j = r_j + γ·c_j·V_{j+1} − V_j        A_j = δ_j + γλ·c_j·A_{j+1}        R_j = A_j + V_j
 * </pre>
 * where V_{j+1} is the next decision's value (the bootstrap value after the last one) and c_j is
 * the mask between j and j+1 as documented in {@link RolloutBuffer}: 1 inside an action and
 * between agents of one step, 1 − done[t] after the last agent of step t. Inside an action there
 * is no reward; an agent's reward enters at its last token. With every action one token long,
 * the token level reduces exactly to the action level.
 */
public final class Gae {
    private Gae() {}

    /** Advantages and returns per decision [t][e][i]. */
    public record ActionEstimates(double[][][] advantages, double[][][] returns) {}

    /** Advantages and returns per action token [t][e][i][k]; zero at padded positions. */
    public record TokenEstimates(double[][][][] advantages, double[][][][] returns) {}

    /** Action-level GAE (MARFT-A) over a fully recorded buffer; absent decisions get 0. */
    public static ActionEstimates actionLevel(ActionBuffer b, double gamma, double lambda) {
        checkRates(gamma, lambda);
        int steps = b.steps(), envs = b.envs(), agents = b.agents();
        double[][][] adv = new double[steps][envs][agents];
        double[][][] ret = new double[steps][envs][agents];
        for (int e = 0; e < envs; e++) {
            List<int[]> order = realisedOrder(b, e);
            int n = order.size();
            double[] v = new double[n], r = new double[n], c = new double[n];
            for (int j = 0; j < n; j++) {
                int t = order.get(j)[0], i = order.get(j)[1];
                v[j] = recorded(b.value(t, e, i), "value", t, e, i);
                r[j] = recorded(b.reward(t, e, i), "reward", t, e, i);
                c[j] = maskAfter(b, e, order, j);
            }
            double[] a = backwards(v, r, c, bootstrap(b, e, n == 0 ? 0 : c[n - 1]), gamma, lambda);
            for (int j = 0; j < n; j++) {
                int t = order.get(j)[0], i = order.get(j)[1];
                adv[t][e][i] = a[j];
                ret[t][e][i] = a[j] + v[j];
            }
        }
        return new ActionEstimates(adv, ret);
    }

    /** Token-level GAE (MARFT-T) over a fully recorded buffer; absent decisions get 0. */
    public static TokenEstimates tokenLevel(TokenBuffer b, double gamma, double lambda) {
        checkRates(gamma, lambda);
        int steps = b.steps(), envs = b.envs(), agents = b.agents(), maxTokens = b.maxTokens();
        double[][][][] adv = new double[steps][envs][agents][maxTokens];
        double[][][][] ret = new double[steps][envs][agents][maxTokens];
        for (int e = 0; e < envs; e++) {
            List<int[]> order = realisedOrder(b, e);
            int n = 0;
            for (int[] d : order) {
                if (b.length(d[0], e, d[1]) == 0) throw new IllegalStateException("action not recorded at " + RolloutBuffer.where(d[0], e, d[1]));
                n += b.length(d[0], e, d[1]);
            }
            double[] v = new double[n], r = new double[n], c = new double[n];
            int j = 0;
            for (int q = 0; q < order.size(); q++) {
                int t = order.get(q)[0], i = order.get(q)[1], last = b.length(t, e, i) - 1;
                for (int k = 0; k <= last; k++, j++) {
                    v[j] = b.value(t, e, i, k);
                    r[j] = (k == last ? recorded(b.reward(t, e, i), "reward", t, e, i) : 0.0) + b.tokenReward(t, e, i, k);
                    c[j] = k == last ? maskAfter(b, e, order, q) : 1.0;
                }
            }
            double[] a = backwards(v, r, c, bootstrap(b, e, n == 0 ? 0 : c[n - 1]), gamma, lambda);
            j = 0;
            for (int[] d : order) {
                for (int k = 0; k < b.length(d[0], e, d[1]); k++, j++) {
                    adv[d[0]][e][d[1]][k] = a[j];
                    ret[d[0]][e][d[1]][k] = a[j] + v[j];
                }
            }
        }
        return new TokenEstimates(adv, ret);
    }

    /**
     * Env e's decisions that acted, as (t, i) in acting order: the sequence the recursion runs over. An
     * absent decision's reward must be 0 (or unrecorded): the environment's reward goes to agents that acted.
     */
    private static List<int[]> realisedOrder(RolloutBuffer b, int e) {
        List<int[]> out = new ArrayList<>();
        for (int t = 0; t < b.steps(); t++)
            for (int i = 0; i < b.agents(); i++) {
                if (b.acted(t, e, i)) out.add(new int[] {t, i});
                else if (!Double.isNaN(b.reward(t, e, i)) && b.reward(t, e, i) != 0)
                    throw new IllegalStateException("reward " + b.reward(t, e, i) + " at an absent decision, " + RolloutBuffer.where(t, e, i));
            }
        return out;
    }

    /** The one recursion: advantages of a flattened decision sequence, last entry first. */
    static double[] backwards(double[] v, double[] r, double[] c, double bootstrap, double gamma, double lambda) {
        int n = v.length;
        double[] a = new double[n];
        double nextValue = bootstrap, nextAdvantage = 0.0;
        for (int j = n - 1; j >= 0; j--) {
            // with c_j = 0 the next value is not read at all (it may be an unrecorded bootstrap)
            double carriedValue = c[j] == 0.0 ? 0.0 : c[j] * nextValue;
            double delta = r[j] + gamma * carriedValue - v[j];
            a[j] = delta + gamma * lambda * c[j] * nextAdvantage;
            nextValue = v[j];
            nextAdvantage = a[j];
        }
        return a;
    }

    /**
     * The mask between the q-th decision of env e's realised order and the next one (the bootstrap after
     * the last): 1 − done[s] for every step s whose boundary lies between them. Without absent decisions
     * this is 1 inside a step and 1 − done[t] after its last agent.
     */
    private static double maskAfter(RolloutBuffer b, int e, List<int[]> order, int q) {
        int from = order.get(q)[0], to = q + 1 < order.size() ? order.get(q + 1)[0] : b.steps();
        for (int s = from; s < to; s++) if (b.done(s, e)) return 0.0;
        return 1.0;
    }

    private static double bootstrap(RolloutBuffer b, int e, double maskAfterLast) {
        double v = b.bootstrapValue(e);
        if (maskAfterLast != 0.0 && Double.isNaN(v)) {
            throw new IllegalStateException("bootstrap value of env " + e
                    + " not recorded, and its episode continues after the last step");
        }
        return v;
    }

    private static double recorded(double x, String what, int t, int e, int i) {
        if (Double.isNaN(x)) throw new IllegalStateException(what + " not recorded at " + RolloutBuffer.where(t, e, i));
        return x;
    }

    private static void checkRates(double gamma, double lambda) {
        if (!(gamma >= 0 && gamma <= 1 && lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("gamma and lambda must lie in [0, 1]: gamma=" + gamma + " lambda=" + lambda);
        }
    }
}
