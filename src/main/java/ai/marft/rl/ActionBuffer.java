package ai.marft.rl;

/**
 * Rollout record for MARFT-A (action level): one critic value V(o_i) and one behaviour log-prob
 * log π_i(a_i|o_i) per decision (step t, env e, agent i), the log-prob already normalised by
 * {@link LogprobNorm}. Rewards, episode ends and bootstrap values live in {@link RolloutBuffer}.
 */
public final class ActionBuffer extends RolloutBuffer {
    private final double[][][] value;
    private final double[][][] logProb;

    public ActionBuffer(int steps, int envs, int agents) {
        super(steps, envs, agents);
        this.value = nanArray(steps, envs, agents);
        this.logProb = nanArray(steps, envs, agents);
    }

    /** Records what the rollout saw when agent {@code agent} acted at step t in env e. */
    public void record(int t, int e, int agent, double criticValue, double behaviourLogProb) {
        requireFinite(criticValue, "value", t, e, agent);
        requireFinite(behaviourLogProb, "log-prob", t, e, agent);
        value[t][e][agent] = criticValue;
        logProb[t][e][agent] = behaviourLogProb;
    }

    /** V(o) of (t, e, agent); NaN while unrecorded. */
    public double value(int t, int e, int agent) { return value[t][e][agent]; }

    /** Behaviour log-prob of (t, e, agent); NaN while unrecorded. */
    public double logProb(int t, int e, int agent) { return logProb[t][e][agent]; }
}
