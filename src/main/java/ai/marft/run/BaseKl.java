package ai.marft.run;

import ai.djl.ndarray.NDManager;
import ai.marft.lm.ActionScores;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;
import ai.marft.mas.RolloutBatch;
import ai.marft.rl.KlPenalty;

import java.util.Arrays;
import java.util.List;

/** The per-decision KL-to-base estimates of a rollout, for APPO's {@code kl_coef} penalty ({@link KlPenalty}). */
final class BaseKl {
    private BaseKl() {}

    /**
     * For each decision d = (t·envs + e)·agents + i, log π(a|o) − log π_base(a|o) over the action's tokens:
     * the behaviour log-probs the rollout recorded against the frozen base's (no adapter, no gradient,
     * {@code chunkRows} decisions per forward), both under the rollout's sampling {@code params}.
     */
    static double[] perDecision(LmEngine engine, SamplingParams params, RolloutBatch b, List<int[]> prompts,
                                List<int[]> actions, int chunkRows) {
        double[] kl = new double[prompts.size()];
        for (int s = 0; s < prompts.size(); s += chunkRows) {
            int end = Math.min(prompts.size(), s + chunkRows);
            try (NDManager m = engine.model().manager().newSubManager()) {
                ActionScores sc = engine.scoreActions(m, prompts.subList(s, end), actions.subList(s, end), null, params, false);
                float[] lp = sc.logprobs().toFloatArray();
                int amax = (int) sc.logprobs().getShape().get(1);
                for (int k = s; k < end; k++) {
                    int at = (k - s) * amax;
                    kl[k] = KlPenalty.estimate(decision(b, k).logprobs(), Arrays.copyOfRange(lp, at, at + actions.get(k).length));
                }
            }
        }
        return kl;
    }

    /** Decision d = (t·envs + e)·agents + i of the rollout. */
    private static AgentStep decision(RolloutBatch b, int d) {
        int agents = b.agents(), envs = b.envs();
        return b.action(d / agents / envs, (d / agents) % envs, d % agents);
    }
}
