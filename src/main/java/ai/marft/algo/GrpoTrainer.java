package ai.marft.algo;

import ai.marft.config.TrainConfig;
import ai.marft.train.EpochProblemSource;

import ai.djl.ndarray.NDManager;
import ai.marft.env.QaEnv;
import ai.marft.lm.LmEngine;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.rl.GroupAdvantages;
import ai.marft.rl.PpoLosses;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A critic-free baseline (GRPO-style group-relative advantages) for the same teams: the training
 * environments draw each problem {@code group_size} times in a row ({@link EpochProblemSource} with
 * repeats), so a rollout holds several samples per problem. Each decision's outcome is the team's
 * return from that decision to the end of its episode (undiscounted; cut at the rollout's end for an
 * episode still in flight), since MARFT's reward goes to the last agent only. Outcomes are grouped
 * by (problem, agent, turn of the episode) and the advantage is (outcome − group mean) / (group std
 * + 1e-8) ({@link GroupAdvantages}; a group of one gets 0), the same for every token of the action.
 * The policy step is {@link TokenPolicyStep} (clipped per-token surrogate, mean over valid tokens).
 * No value is computed and the critic is never updated: the checkpoint keeps the critic and its
 * optimizer exactly as initialised (or loaded), so the layout matches MARFT-A's.
 */
public final class GrpoTrainer extends TokenLevelLearner {
    private static final double GROUP_EPS = 1e-8;

    private final PpoLosses losses;

    /** Fresh adapters drawn from {@code seed}, or those of {@code checkpoint} (see {@link AppoTrainer}). */
    public GrpoTrainer(LmEngine engine, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        super(engine, team, cfg, seed, checkpoint);
        this.losses = new PpoLosses(cfg.clipParam, cfg.entropyCoef, cfg.valueLossCoef, cfg.useHuberLoss, cfg.huberDelta);
    }

    /** Group advantages per decision, repeated over its tokens; no NDArray is made. */
    @Override
    public TokenExperience prepare(NDManager m, RolloutBatch b) {
        int steps = b.steps(), envs = b.envs(), agents = b.agents(), d = steps * envs * agents;
        Decisions x = Decisions.of(b);
        double[] outcome = outcomes(b);
        List<GroupAdvantages.Key> keys = new ArrayList<>(d);
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++) {
                Map<String, Object> info = b.infos().get(t).get(e);
                if (!(info.get(QaEnv.PROBLEM) instanceof String problem) || !(info.get(QaEnv.STEP) instanceof Integer turn))
                    throw new IllegalStateException("GRPO groups samples by problem and turn: the environment's step info lacks '"
                            + QaEnv.PROBLEM + "' or '" + QaEnv.STEP + "' (step " + t + ", env " + e + ")");
                for (int i = 0; i < agents; i++) keys.add(new GroupAdvantages.Key(problem, i, turn));
            }
        double[] adv = GroupAdvantages.compute(keys, outcome, GROUP_EPS);
        double[][] advantages = new double[d][];
        for (int k = 0; k < d; k++) {
            advantages[k] = new double[x.actions().get(k).length];
            Arrays.fill(advantages[k], adv[k]);
        }
        return new TokenExperience(steps, envs, agents, x.prompts(), x.actions(), x.oldLogProbs(), null, null, advantages, null);
    }

    /**
     * Per decision d = (t·envs + e)·agents + i: the sum of env e's rewards from (t, i) to the end of
     * its episode or of the rollout, whichever comes first.
     */
    static double[] outcomes(RolloutBatch b) {
        int steps = b.steps(), envs = b.envs(), agents = b.agents();
        double[] out = new double[steps * envs * agents];
        for (int e = 0; e < envs; e++) {
            double after = 0; // return of everything after the current decision, same episode
            for (int t = steps - 1; t >= 0; t--) {
                if (b.dones()[t][e]) after = 0; // the next step belongs to a new episode
                for (int i = agents - 1; i >= 0; i--) {
                    after += b.rewards()[t][e][i];
                    out[(t * envs + e) * agents + i] = after;
                }
            }
        }
        return out;
    }

    /** The epochs: a policy step per minibatch for each agent the schedule selects (after warm-up); no critic. */
    @Override
    public UpdateStats update(TokenExperience x, long globalStep, long shuffleSeed) {
        return epochs(x, globalStep, shuffleSeed, losses, null);
    }
}
