package ai.marft.rl;

/**
 * The KL-to-base penalty of an action-level reward (ours, opt-in {@code kl_coef}; the reference has
 * none): as in InstructGPT's PPO, each agent's reward loses {@code coef} times a one-sample estimate of
 * the KL between its adapter's policy and the frozen base, log π(a|o) − log π_base(a|o) summed over the
 * action's tokens, both under the tempered distribution without the top-k / top-p filters (a filtered-out token
 * would weigh -1e9). It keeps a small model from trading
 * its well-formed outputs for a shortcut that a few hundred updates cannot undo (MARFT.md §10 lists no
 * such term; with coef 0 nothing changes).
 */
public final class KlPenalty {
    private KlPenalty() {}

    /** {@code rewards[t][e][i] − coef · kl[t][e][i]}, a new array. */
    public static double[][][] apply(double[][][] rewards, double[][][] kl, double coef) {
        double[][][] out = new double[rewards.length][][];
        for (int t = 0; t < rewards.length; t++) {
            out[t] = new double[rewards[t].length][];
            for (int e = 0; e < rewards[t].length; e++) {
                int agents = rewards[t][e].length;
                out[t][e] = new double[agents];
                for (int i = 0; i < agents; i++)
                    out[t][e][i] = rewards[t][e][i] - coef * kl[t][e][i];
            }
        }
        return out;
    }
}
