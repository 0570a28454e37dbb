package ai.marft.algo;

import ai.djl.ndarray.NDManager;
import ai.marft.config.TrainConfig;
import ai.marft.env.QaEnv;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.TeamPolicy;
import ai.marft.rl.GroupAdvantages;
import ai.marft.rl.KlPenalty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A critic-free baseline (GRPO-style group-relative advantages) for the same teams: the training
 * environments draw each problem {@code group_size} times in a row (the training loop's problem
 * source repeats each draw), so a rollout holds several samples per problem. Each decision's outcome
 * is the team's return from that decision to the end of its episode (undiscounted; cut at the
 * rollout's end for an episode still in flight), since MARFT's reward goes to the last agent only.
 * Outcomes are grouped by (problem, agent, turn of the episode) and the advantage is (outcome − group
 * mean) / (group std + 1e-8) ({@link GroupAdvantages}; a group of one gets 0), the same for every
 * token of the action. With {@code kl_coef}, the KL-to-base penalty enters the rewards per action (as
 * MARFT-A's) before outcomes are grouped, rather than the loss (as DeepSeekMath's GRPO): one estimator,
 * unfiltered and so without a cliff, and no second scoring pass with gradient. The update is {@link PpoUpdate}'s per-token policy step, without a critic
 * step: the critic and its optimizer stay exactly as initialised (or loaded), so the checkpoint
 * layout matches the other algorithms'.
 */
public final class Grpo implements Algorithm {
    private static final double GROUP_EPS = 1e-8;

    private final TeamParameters params;
    private final TrainConfig cfg;
    private final PpoUpdate ppo;

    Grpo(TeamParameters params, TrainConfig cfg, PpoUpdate ppo) {
        this.params = params;
        this.cfg = cfg;
        this.ppo = ppo;
    }

    /** Group advantages per decision, repeated over its tokens; no NDArray is made. */
    @Override
    public Experience prepare(NDManager m, RolloutBatch b) {
        Decisions x = Decisions.of(b);
        // the KL-to-base penalty goes into the rewards, per action as MARFT-A's, before the outcomes are grouped
        double[] kl = cfg.klCoef > 0
                ? BaseKl.perDecision(params, x, Algorithm.samplingParams(cfg), null) : null;
        double[] outcome = outcomes(b, kl == null ? b.rewards() : KlPenalty.apply(b.rewards(), x.unflatten(kl), cfg.klCoef));
        List<GroupAdvantages.Key> keys = new ArrayList<>(x.size());
        for (int t = 0; t < x.steps(); t++)
            for (int e = 0; e < x.envs(); e++) {
                Map<String, Object> info = b.infos().get(t).get(e);
                if (!(info.get(QaEnv.PROBLEM) instanceof String problem) || !(info.get(QaEnv.STEP) instanceof Integer turn))
                    throw new IllegalStateException("GRPO groups samples by problem and turn: the environment's step info lacks '"
                            + QaEnv.PROBLEM + "' or '" + QaEnv.STEP + "' (step " + t + ", env " + e + ")");
                for (int i = 0; i < x.agents(); i++) keys.add(new GroupAdvantages.Key(problem, i, turn));
            }
        // groups of the decisions that acted only (a router may leave agents out)
        List<Integer> acted = new ArrayList<>();
        for (int k = 0; k < x.size(); k++) if (x.acted(k)) acted.add(k);
        double[] some = GroupAdvantages.compute(acted.stream().map(keys::get).toList(), acted.stream().mapToDouble(k -> outcome[k]).toArray(), GROUP_EPS);
        double[] adv = new double[x.size()];
        for (int q = 0; q < some.length; q++) adv[acted.get(q)] = some[q];
        double[][] oldLp = new double[x.size()][], advantages = new double[x.size()][];
        for (int k = 0; k < x.size(); k++) {
            float[] lp = x.acted(k) ? x.get(k).logprobs() : new float[0];
            oldLp[k] = new double[lp.length];
            for (int j = 0; j < lp.length; j++) oldLp[k][j] = lp[j];
            advantages[k] = new double[lp.length];
            Arrays.fill(advantages[k], adv[k]);
        }
        return new Experience(x, false, oldLp, null, null, advantages, null, kl);
    }

    /**
     * Per decision {@link Decisions#index}(t, e, i): the sum of env e's {@code rewards} from (t, i) to the end
     * of its episode or of the rollout, whichever comes first.
     */
    static double[] outcomes(RolloutBatch b, double[][][] rewards) {
        int steps = b.steps(), envs = b.envs(), agents = b.agents();
        double[] out = new double[steps * envs * agents];
        for (int e = 0; e < envs; e++) {
            double after = 0; // return of everything after the current decision, same episode
            for (int t = steps - 1; t >= 0; t--) {
                if (b.dones()[t][e]) after = 0; // the next step belongs to a new episode
                for (int i = agents - 1; i >= 0; i--) {
                    after += rewards[t][e][i];
                    out[Decisions.index(t, e, i, envs, agents)] = after;
                }
            }
        }
        return out;
    }

    @Override
    public UpdateStats update(Experience x, long globalStep, long shuffleSeed) {
        return ppo.epochs(x, globalStep, shuffleSeed, false);
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
