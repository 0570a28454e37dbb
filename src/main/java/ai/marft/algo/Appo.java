package ai.marft.algo;

import ai.djl.ndarray.NDManager;
import ai.marft.config.TrainConfig;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.TeamPolicy;
import ai.marft.rl.ActionBuffer;
import ai.marft.rl.AdvantageNorm;
import ai.marft.rl.Gae;
import ai.marft.rl.KlPenalty;
import ai.marft.rl.LogprobNorm;

import java.util.List;


/**
 * MARFT-A (the reference's APPO; MARFT.md §4–§6 at action level): one value and one log-prob per
 * action. Per iteration: the critic values every agent's observation from the frozen base's hidden
 * state at its prompt's last token; the rewards optionally lose the KL-to-base penalty; GAE runs
 * backwards over the agent sequence (step by step, agent by agent); advantages are normalised over
 * the rollout; then the PPO epochs ({@link PpoUpdate}) at action level.
 */
public final class Appo implements Algorithm {
    private final LmEngine engine; // the critic's base
    private final TeamParameters params;
    private final TrainConfig cfg;
    private final SamplingParams sampling;
    private final LogprobNorm norm;
    private final PpoUpdate ppo;
    /** Per agent, whether it shares the critic's tokenizer (its action ids mean the same to the critic's base). */
    private final boolean[] shares;

    Appo(TeamParameters params, TrainConfig cfg) {
        this.engine = params.engines().critic();
        this.params = params;
        this.cfg = cfg;
        this.sampling = Algorithm.samplingParams(cfg);
        this.norm = LogprobNorm.parse(cfg.normalizationMode);
        this.ppo = new PpoUpdate(params, cfg);
        this.shares = params.engines().sharingCriticTokenizer();
    }

    @Override
    public Experience prepare(NDManager m, RolloutBatch b) {
        Decisions x = Decisions.of(b);
        int d = x.size();
        // 1. values: the critic on its frozen base's state at every decision's prompt (in its tokenizer; the same
        //    forward, run over prompt + action, gives the base's log-probs for the KL penalty) and each bootstrap prompt
        boolean klOn = cfg.klCoef > 0;
        //    (an agent on another tokenizer: its prompt alone, as BaseKl takes its base's log-probs on its own base)
        List<int[]> own = x.actions(), actions = own;
        if (klOn) actions = java.util.stream.IntStream.range(0, d).mapToObj(k -> shares[x.agentOf(x.standIndex(k))] ? own.get(k) : new int[0]).toList();
        BaseFeatures.Pass pass = BaseFeatures.lastPromptToken(engine, m, x.criticPrompts(), actions, klOn ? BaseKl.unfiltered(sampling) : null);
        double[] v = BaseFeatures.values(engine, params.critic(), pass.features());
        double[] boot = BaseFeatures.bootstrapValues(engine, params.critic(), m, b);
        // 2. rewards, less the KL-to-base penalty when it is on
        double[] kl = klOn ? BaseKl.perDecision(params, x, sampling, pass.baseLogprobs()) : null;
        double[][][] rewards = kl == null ? b.rewards() : KlPenalty.apply(b.rewards(), x.unflatten(kl), cfg.klCoef);
        // 3. GAE over (step, agent), then normalisation over the rollout
        ActionBuffer buf = new ActionBuffer(x.steps(), x.envs(), x.agents());
        double[][] oldLp = new double[d][];
        for (int t = 0; t < x.steps(); t++)
            for (int e = 0; e < x.envs(); e++) {
                for (int i = 0; i < x.agents(); i++) {
                    int k = x.index(t, e, i);
                    AgentStep a = x.get(k);
                    buf.setReward(t, e, i, rewards[t][e][i]);
                    buf.setActed(t, e, i, a != null);
                    if (a == null) { oldLp[k] = new double[] {0}; continue; } // a router left the agent out: never trained
                    oldLp[k] = new double[] {norm.apply(a.logprobs(), a.actionTokens().length, a.actionText())};
                    buf.record(t, e, i, v[k], oldLp[k][0]);
                }
                buf.setDone(t, e, b.dones()[t][e]);
            }
        for (int e = 0; e < x.envs(); e++) if (!Double.isNaN(boot[e])) buf.setBootstrapValue(e, boot[e]);
        Gae.ActionEstimates est = Gae.actionLevel(buf, cfg.gamma, cfg.gaeLambda);
        double[][][] adv = AdvantageNorm.normalize(est.advantages(), x.actedGrid(), AdvantageNorm.REFERENCE_EPS);
        // 4. one entry per decision
        double[][] values = new double[d][], returns = new double[d][], advantages = new double[d][];
        for (int t = 0; t < x.steps(); t++)
            for (int e = 0; e < x.envs(); e++)
                for (int i = 0; i < x.agents(); i++) {
                    int k = x.index(t, e, i);
                    values[k] = new double[] {v[k]};
                    returns[k] = new double[] {est.returns()[t][e][i]};
                    advantages[k] = new double[] {adv[t][e][i]};
                }
        return new Experience(x, true, oldLp, values, returns, advantages, pass.features(), kl);
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
        return params.policy(sampling);
    }
}
