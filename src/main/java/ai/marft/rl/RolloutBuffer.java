package ai.marft.rl;

import java.util.Arrays;

/**
 * What one rollout of {@code steps} joint steps over {@code envs} parallel environments with
 * {@code agents} agents records for training, shared by both levels: rewards r[t][e][i], the
 * episode ends done[t][e], and the critic's bootstrap value per environment.
 *
 * <p>Masks (MARFT.md §5) are derived, never stored: an episode can only end after the last agent
 * of a step has acted (the environment transitions once per joint step), so
 * <ul>
 *   <li>between agent i and agent i+1 of the same step the mask is always 1 (both belong to the
 *       same episode, even on the first step after an automatic reset: the reference multiplies by
 *       the previous step's mask here, which cuts the chain inside a fresh episode; we do not);</li>
 *   <li>between the last agent of step t and the first agent of step t+1 the mask is
 *       m_{t+1} = 1 − done[t][e]: when the episode ended at step t the environment reset, step t+1
 *       starts a new episode, and neither the next value nor the next advantage flows back;</li>
 *   <li>after the last step, the bootstrap value V_{T+1,1} (the critic at the observation the
 *       environment returned after step T−1) enters with mask 1 − done[T−1][e].</li>
 * </ul>
 * Every quantity starts unrecorded (NaN); {@link Gae} refuses to run over a hole.
 *
 * <p>Dynamic routing (Flex-MG with a router, docs/flexmg.md): a decision (t, e, i) may be absent
 * ({@link #setActed} false) when agent i did not act in env e at step t. Absent decisions are left
 * out of the sequence: the recursion runs over each environment's realised acting order, the mask
 * between two consecutive decisions being the product of 1 − done over the step boundaries between
 * them. An absent decision needs no value, log-prob or reward (a reward recorded there must be 0).
 */
public abstract sealed class RolloutBuffer permits ActionBuffer, TokenBuffer {
    private final int steps;
    private final int envs;
    private final int agents;
    private final double[][][] reward;
    private final boolean[][] done;
    private final double[] bootstrapValue;
    private final boolean[][][] absent;

    protected RolloutBuffer(int steps, int envs, int agents) {
        if (steps < 1 || envs < 1 || agents < 1) {
            throw new IllegalArgumentException("buffer dimensions must be positive: steps=" + steps
                    + " envs=" + envs + " agents=" + agents);
        }
        this.steps = steps;
        this.envs = envs;
        this.agents = agents;
        this.reward = nanArray(steps, envs, agents);
        this.done = new boolean[steps][envs];
        this.bootstrapValue = new double[envs];
        Arrays.fill(bootstrapValue, Double.NaN);
        this.absent = new boolean[steps][envs][agents];
    }

    /** Marks whether agent {@code agent} acted at step t in env e (every decision acts unless told otherwise). */
    public void setActed(int t, int e, int agent, boolean acted) {
        absent[t][e][agent] = !acted;
    }

    /** Whether agent {@code agent} acted at step t in env e. */
    public boolean acted(int t, int e, int agent) {
        return !absent[t][e][agent];
    }

    public int steps() { return steps; }

    public int envs() { return envs; }

    public int agents() { return agents; }

    /** Records the reward agent {@code agent} received for its action at step t in env e. */
    public void setReward(int t, int e, int agent, double r) {
        requireFinite(r, "reward", t, e, agent);
        reward[t][e][agent] = r;
    }

    /** The reward of (t, e, agent); NaN while unrecorded. */
    public double reward(int t, int e, int agent) { return reward[t][e][agent]; }

    /** Records whether the episode of env e ended with step t (the environment then auto-resets). */
    public void setDone(int t, int e, boolean ended) { done[t][e] = ended; }

    public boolean done(int t, int e) { return done[t][e]; }

    /** The critic's value V_{T+1,1} of env e's observation after the last step (first agent). */
    public void setBootstrapValue(int e, double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("bootstrap value must be finite, got " + v + " for env " + e);
        bootstrapValue[e] = v;
    }

    /** The bootstrap value of env e; NaN while unrecorded. */
    public double bootstrapValue(int e) { return bootstrapValue[e]; }

    static double[][][] nanArray(int a, int b, int c) {
        double[][][] x = new double[a][b][c];
        for (double[][] plane : x) for (double[] row : plane) Arrays.fill(row, Double.NaN);
        return x;
    }

    static void requireFinite(double v, String what, int t, int e, int agent) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite, got " + v + " at " + where(t, e, agent));
        }
    }

    static String where(int t, int e, int agent) {
        return "step " + t + " env " + e + " agent " + agent;
    }
}
