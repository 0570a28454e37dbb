package ai.marft.algo;

import ai.marft.config.TrainConfig;

import ai.marft.lm.Scalars;
import ai.marft.lm.Owned;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.marft.lm.LmEngine;
import ai.marft.lm.ValueHead;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.rl.AdamW;
import ai.marft.rl.AdvantageNorm;
import ai.marft.rl.Gae;
import ai.marft.rl.PpoLosses;
import ai.marft.rl.TokenBuffer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * MARFT-T's learner (the reference's TPPO; MARFT.md §4–§6 at token level): the critic
 * ({@link ai.marft.lm.ValueHead} over the frozen base) values the state before every action token;
 * token-level GAE runs over (step, agent, token) in acting order, the agent's reward entering at its
 * last token; advantages are normalised over the valid tokens; the critic's clipped value loss and
 * each agent's clipped surrogate are means over valid tokens. Adapters, critic, optimizers and the
 * checkpoint layout are MARFT-A's ({@link AppoTrainer} holds them; only the update differs), so a
 * checkpoint of either level loads into the other.
 */
public final class TppoTrainer extends TokenLevelLearner {
    private static final double NO_VALUE_CLIP = 1e30;
    /** Decisions per frozen-base forward when computing token features. */
    private static final int FEATURE_CHUNK_ROWS = 32;

    private final PpoLosses policyLosses, valueLosses;

    /** Fresh adapters and critic drawn from {@code seed}, or those of {@code checkpoint} (see {@link AppoTrainer}). */
    public TppoTrainer(LmEngine engine, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        super(engine, team, cfg, seed, checkpoint);
        this.policyLosses = new PpoLosses(cfg.clipParam, cfg.entropyCoef, cfg.valueLossCoef, cfg.useHuberLoss, cfg.huberDelta);
        this.valueLosses = cfg.useClippedValueLoss ? policyLosses
                : new PpoLosses(NO_VALUE_CLIP, cfg.entropyCoef, cfg.valueLossCoef, cfg.useHuberLoss, cfg.huberDelta);
    }

    /**
     * Values at every action token and at each environment's bootstrap prompt from the frozen base
     * (once), token-level GAE, advantage normalisation over valid tokens.
     */
    @Override
    public TokenExperience prepare(NDManager m, RolloutBatch b) {
        int steps = b.steps(), envs = b.envs(), agents = b.agents(), d = steps * envs * agents;
        Decisions x = Decisions.of(b);
        List<int[]> prompts = x.prompts(), actions = x.actions();
        float[][] oldLp = x.oldLogProbs();
        int amax = x.longestAction();
        NDArray feats = tokenFeatures(m, prompts, actions, amax);
        double[] v = state.values(feats); // [D * amax], row-major
        double[] boot = state.values(state.criticFeatures(m, List.of(b.bootstrapPrompts()), FEATURE_CHUNK_ROWS));
        TokenBuffer buf = new TokenBuffer(steps, envs, agents, amax);
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++) {
                for (int i = 0; i < agents; i++) {
                    int k = (t * envs + e) * agents + i, len = actions.get(k).length;
                    float[] tv = new float[len];
                    for (int j = 0; j < len; j++) tv[j] = (float) v[k * amax + j];
                    buf.record(t, e, i, len, tv, oldLp[k]);
                    buf.setReward(t, e, i, b.rewards()[t][e][i]);
                }
                buf.setDone(t, e, b.dones()[t][e]);
            }
        for (int e = 0; e < envs; e++) buf.setBootstrapValue(e, boot[e]);
        Gae.TokenEstimates est = Gae.tokenLevel(buf, cfg.gamma, cfg.gaeLambda);
        double[][][][] adv = AdvantageNorm.normalize(est.advantages(), buf.lengths(), AdvantageNorm.REFERENCE_EPS);
        double[][] values = new double[d][], returns = new double[d][], advantages = new double[d][];
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++)
                for (int i = 0; i < agents; i++) {
                    int k = (t * envs + e) * agents + i, len = actions.get(k).length;
                    values[k] = new double[len];
                    returns[k] = Arrays.copyOf(est.returns()[t][e][i], len);
                    advantages[k] = Arrays.copyOf(adv[t][e][i], len);
                    for (int j = 0; j < len; j++) values[k][j] = buf.value(t, e, i, j);
                }
        return new TokenExperience(steps, envs, agents, prompts, actions, oldLp, values, returns, advantages, feats);
    }

    /** Frozen-base hidden states [D, amax, H] at the positions predicting each action token (zeros beyond an action), owned by m. */
    NDArray tokenFeatures(NDManager m, List<int[]> prompts, List<int[]> actions, int amax) {
        NDList parts = new NDList();
        int hidden = engine.model().config().hidden();
        for (int s = 0; s < prompts.size(); s += FEATURE_CHUNK_ROWS) {
            int e = Math.min(prompts.size(), s + FEATURE_CHUNK_ROWS);
            NDArray h = engine.baseHidden(m, prompts.subList(s, e), actions.subList(s, e)); // [b, a, H]
            long a = h.getShape().get(1);
            if (a < amax) h = h.concat(m.zeros(new Shape(e - s, amax - a, hidden), h.getDataType()), 1);
            parts.add(h);
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
    }

    /**
     * The PPO epochs: a critic step per minibatch; once warm-up is over, a policy step per
     * minibatch for each agent the agent schedule selects at {@code globalStep}.
     */
    @Override
    public UpdateStats update(TokenExperience x, long globalStep, long shuffleSeed) {
        return epochs(x, globalStep, shuffleSeed, policyLosses, rows -> criticStep(x, rows));
    }

    /** Clipped value loss over the valid tokens of the minibatch, accumulated over chunks; Adam step. */
    private AppoTrainer.CriticStep criticStep(TokenExperience x, int[] rows) {
        int[] entries = x.entries(rows, -1);
        int total = x.tokens(entries), width = (int) x.criticFeatures().getShape().get(1);
        AdamW opt = state.criticOptimizer();
        double loss = 0;
        for (int[] chunk : Minibatches.chunks(entries, cfg.gradientCpSteps)) {
            double weight = (double) x.tokens(chunk) / total;
            Shape shape = new Shape(chunk.length, width);
            try (NDManager m = engine.model().manager().newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray v = state.critic().forward(x.criticFeatures().get(Owned.of(m.create(chunk))));
                NDArray l = valueLosses.value(v, Owned.of(m.create(x.padded(x.values(), chunk, width), shape)),
                        Owned.of(m.create(x.padded(x.returns(), chunk, width), shape)), Owned.of(m.create(x.mask(chunk, width), shape)));
                NDArray scaled = Scalars.mul(l, weight);
                loss += scaled.toType(DataType.FLOAT64, false).getDouble();
                gc.backward(scaled);
            }
        }
        return AppoTrainer.applyCriticStep(opt, cfg, loss);
    }
}
