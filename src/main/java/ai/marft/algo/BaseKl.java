package ai.marft.algo;

import ai.djl.ndarray.NDManager;
import ai.marft.lm.ActionScores;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;
import ai.marft.rl.KlPenalty;

import java.util.Arrays;
import java.util.List;

/** The per-decision KL-to-base estimates of a rollout, for APPO's {@code kl_coef} penalty ({@link KlPenalty}). */
final class BaseKl {
    private BaseKl() {}

    /**
     * For each decision, log π(a|o) − log π_base(a|o) over the action's tokens: the behaviour log-probs the
     * rollout recorded against the frozen base's (no adapter, no gradient, {@code chunkRows} decisions per
     * forward), both under the rollout's sampling {@code params}.
     */
    static double[] perDecision(LmEngine engine, SamplingParams params, List<AgentStep> decisions, int chunkRows) {
        double[] kl = new double[decisions.size()];
        for (int s = 0; s < decisions.size(); s += chunkRows) {
            List<AgentStep> chunk = decisions.subList(s, Math.min(decisions.size(), s + chunkRows));
            try (NDManager m = engine.model().manager().newSubManager()) {
                ActionScores sc = engine.scoreActions(m, chunk.stream().map(AgentStep::promptTokens).toList(),
                        chunk.stream().map(AgentStep::actionTokens).toList(), null, params, false);
                float[] lp = sc.logprobs().toFloatArray();
                int amax = (int) sc.logprobs().getShape().get(1);
                for (int k = 0; k < chunk.size(); k++) {
                    AgentStep a = chunk.get(k);
                    kl[s + k] = KlPenalty.estimate(a.logprobs(), Arrays.copyOfRange(lp, k * amax, k * amax + a.actionTokens().length));
                }
            }
        }
        return kl;
    }
}
