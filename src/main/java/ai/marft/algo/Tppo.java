package ai.marft.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.marft.config.TrainConfig;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.TeamPolicy;
import ai.marft.rl.AdvantageNorm;
import ai.marft.rl.Gae;
import ai.marft.rl.TokenBuffer;

import java.util.Arrays;
import java.util.List;

/**
 * MARFT-T (the reference's TPPO; MARFT.md §4–§6 at token level): the critic values the state before
 * every action token (the frozen base's hidden state at the position predicting it; for an agent on
 * another tokenizer than the critic's base, the state after the critic tokens of its action text that
 * the agent had written before that token, {@link TokenAlignment}); token-level GAE
 * runs over (step, agent, token) in acting order, the agent's reward entering at its last token;
 * with {@code kl_coef}, every token's reward also loses kl_coef × its log ratio to the frozen base (a
 * per-token KL penalty, as token-level RLHF does); advantages are normalised over the valid tokens; then the PPO epochs ({@link PpoUpdate}) with
 * per-token ratios against the behaviour log-probs recorded at generation.
 */
public final class Tppo implements Algorithm {
    private final LmEngine engine;
    private final TeamParameters params;
    private final TrainConfig cfg;
    private final PpoUpdate ppo;
    /** Per agent, whether it shares the critic's tokenizer (its ids read as they are). */
    private final boolean[] shares;

    Tppo(TeamParameters params, TrainConfig cfg) {
        this.engine = params.engines().critic();
        this.params = params;
        this.cfg = cfg;
        this.ppo = new PpoUpdate(params, cfg);
        this.shares = params.engines().sharingCriticTokenizer();
    }

    @Override
    public Experience prepare(NDManager m, RolloutBatch b) {
        Decisions x = Decisions.of(b);
        int d = x.size(), width = x.longestAction();
        // 1. values at every action token, and at each environment's bootstrap prompt
        //    (the same forward gives the base's log-probs for the KL penalty when it is on)
        SamplingParams sampling = Algorithm.samplingParams(cfg);
        boolean klOn = cfg.klCoef > 0;
        //    (an agent on another tokenizer: its action text in the critic's tokens, aligned; BaseKl takes the
        //    base's log-probs from this pass only for agents on the critic's base, which share its tokenizer)
        SamplingParams lpUnder = klOn ? BaseKl.unfiltered(sampling) : null;
        BaseFeatures.Pass pass = allShare()
                ? BaseFeatures.actionPositions(engine, m, x.criticPrompts(), x.actions(), width, lpUnder)
                : BaseFeatures.alignedPositions(engine, m, TokenAlignment.rows(x, params.engines(), shares), width, lpUnder);
        NDArray feats = pass.features();
        double[] v = BaseFeatures.values(engine, params.critic(), feats); // [D * width]
        double[] boot = BaseFeatures.bootstrapValues(engine, params.critic(), m, b);
        // 2. the per-token KL-to-base penalty when it is on: each token's reward loses kl_coef x its log ratio
        double[][] kl = klOn ? BaseKl.perToken(params, x, sampling, pass.baseLogprobs()) : null;
        // 3. token-level GAE over (step, agent, token), normalised over the valid tokens
        TokenBuffer buf = new TokenBuffer(x.steps(), x.envs(), x.agents(), width);
        for (int t = 0; t < x.steps(); t++)
            for (int e = 0; e < x.envs(); e++) {
                for (int i = 0; i < x.agents(); i++) {
                    int k = x.index(t, e, i);
                    AgentStep a = x.get(k);
                    buf.setReward(t, e, i, b.rewards()[t][e][i]);
                    buf.setActed(t, e, i, a != null);
                    if (a == null) continue; // a router left the agent out: never trained
                    int len = a.actionTokens().length;
                    float[] tv = new float[len];
                    for (int j = 0; j < len; j++) tv[j] = (float) v[k * width + j];
                    buf.record(t, e, i, len, tv, a.logprobs());
                    if (kl != null) buf.setTokenRewards(t, e, i, java.util.Arrays.stream(kl[k]).map(logRatio -> -cfg.klCoef * logRatio).toArray());
                }
                buf.setDone(t, e, b.dones()[t][e]);
            }
        for (int e = 0; e < x.envs(); e++) if (!Double.isNaN(boot[e])) buf.setBootstrapValue(e, boot[e]);
        Gae.TokenEstimates est = Gae.tokenLevel(buf, cfg.gamma, cfg.gaeLambda);
        double[][][][] adv = AdvantageNorm.normalize(est.advantages(), buf.lengths(), AdvantageNorm.REFERENCE_EPS);
        // 4. one entry per action token
        double[][] oldLp = new double[d][], values = new double[d][], returns = new double[d][], advantages = new double[d][];
        for (int t = 0; t < x.steps(); t++)
            for (int e = 0; e < x.envs(); e++)
                for (int i = 0; i < x.agents(); i++) {
                    int k = x.index(t, e, i), len = x.acted(k) ? x.get(k).actionTokens().length : 0;
                    oldLp[k] = new double[len];
                    values[k] = new double[len];
                    for (int j = 0; j < len; j++) {
                        oldLp[k][j] = x.get(k).logprobs()[j];
                        values[k][j] = buf.value(t, e, i, j);
                    }
                    returns[k] = Arrays.copyOf(est.returns()[t][e][i], len);
                    advantages[k] = Arrays.copyOf(adv[t][e][i], len);
                }
        double[] klPerDecision = kl == null ? null : java.util.Arrays.stream(kl).mapToDouble(a -> java.util.Arrays.stream(a).sum()).toArray();
        return new Experience(x, false, oldLp, values, returns, advantages, feats, klPerDecision);
    }

    private boolean allShare() {
        for (boolean s : shares) if (!s) return false;
        return true;
    }

    @Override
    public UpdateStats update(Experience x, long globalStep, long shuffleSeed) {
        return ppo.epochs(x, globalStep, shuffleSeed, true);
    }

    @Override
    public TeamParameters parameters() {
        return params;
    }

    @Override
    public TeamPolicy policy() {
        return params.policy(Algorithm.samplingParams(cfg));
    }
}
