package ai.marft.rl;

import java.util.Arrays;

/**
 * Rollout record for MARFT-T (token level): per decision (step t, env e, agent i) the number of
 * action tokens (EOS included when sampled; at least 1), and a critic value and behaviour log-prob
 * for each of those tokens. Positions at or beyond an action's length are padding: they hold NaN
 * here and zero in every estimate computed from the buffer.
 */
public final class TokenBuffer extends RolloutBuffer {
    private final int maxTokens;
    private final int[][][] length;
    private final double[][][][] value;
    private final double[][][][] logProb;
    private final double[][][][] tokenReward; // per-token terms besides the action's reward (e.g. a KL penalty); 0 by default

    public TokenBuffer(int steps, int envs, int agents, int maxTokens) {
        super(steps, envs, agents);
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
        this.maxTokens = maxTokens;
        this.length = new int[steps][envs][agents];
        this.value = new double[steps][envs][agents][maxTokens];
        this.logProb = new double[steps][envs][agents][maxTokens];
        this.tokenReward = new double[steps][envs][agents][maxTokens];
        for (double[][][] a : value) for (double[][] b : a) for (double[] c : b) Arrays.fill(c, Double.NaN);
        for (double[][][] a : logProb) for (double[][] b : a) for (double[] c : b) Arrays.fill(c, Double.NaN);
    }

    public int maxTokens() { return maxTokens; }

    /**
     * Records the first {@code tokens} entries of the per-token critic values and behaviour
     * log-probs of agent {@code agent}'s action at step t in env e (longer arrays, e.g. padded to
     * max_new_tokens, are fine; only the first {@code tokens} are read).
     */
    public void record(int t, int e, int agent, int tokens, float[] tokenValues, float[] tokenLogProbs) {
        if (tokens < 1 || tokens > maxTokens || tokenValues.length < tokens || tokenLogProbs.length < tokens) {
            throw new IllegalArgumentException("action of " + tokens + " tokens (1.." + maxTokens + " allowed; "
                    + tokenValues.length + " values, " + tokenLogProbs.length + " log-probs given) at " + where(t, e, agent));
        }
        for (int k = 0; k < tokens; k++) {
            requireFinite(tokenValues[k], "value of token " + k, t, e, agent);
            requireFinite(tokenLogProbs[k], "log-prob of token " + k, t, e, agent);
            value[t][e][agent][k] = tokenValues[k];
            logProb[t][e][agent][k] = tokenLogProbs[k];
        }
        Arrays.fill(value[t][e][agent], tokens, maxTokens, Double.NaN);
        Arrays.fill(logProb[t][e][agent], tokens, maxTokens, Double.NaN);
        length[t][e][agent] = tokens;
    }

    /**
     * A reward term at each action token of (t, e, agent), added to the action's reward (which enters at
     * its last token): e.g. the per-token KL-to-base penalty. Entries beyond the action are ignored.
     */
    public void setTokenRewards(int t, int e, int agent, double[] perToken) {
        for (int k = 0; k < Math.min(perToken.length, maxTokens); k++) {
            requireFinite(perToken[k], "token reward " + k, t, e, agent);
            tokenReward[t][e][agent][k] = perToken[k];
        }
    }

    /** The per-token reward term at token k of (t, e, agent) (0 unless set). */
    public double tokenReward(int t, int e, int agent, int k) { return tokenReward[t][e][agent][k]; }

    /** Number of action tokens of (t, e, agent); 0 while unrecorded. */
    public int length(int t, int e, int agent) { return length[t][e][agent]; }

    /** Critic value at action token k of (t, e, agent); NaN for padding or while unrecorded. */
    public double value(int t, int e, int agent, int k) { return value[t][e][agent][k]; }

    /** Behaviour log-prob of action token k of (t, e, agent); NaN for padding or while unrecorded. */
    public double logProb(int t, int e, int agent, int k) { return logProb[t][e][agent][k]; }

    /** The action lengths [t][e][i] (a copy), e.g. to build validity masks. */
    public int[][][] lengths() {
        int[][][] copy = new int[length.length][][];
        for (int t = 0; t < copy.length; t++) {
            copy[t] = new int[length[t].length][];
            for (int e = 0; e < copy[t].length; e++) copy[t][e] = length[t][e].clone();
        }
        return copy;
    }
}
