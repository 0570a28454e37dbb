package ai.marft.algo;

import ai.djl.ndarray.NDManager;
import ai.marft.lm.ActionScores;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;
import ai.marft.rl.KlPenalty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The per-decision KL-to-base estimates of a rollout, for the {@code kl_coef} penalty ({@link KlPenalty}).
 * Both log-probs are taken under the tempered distribution WITHOUT the top-k / top-p filters: under the
 * filtered one, a sampled token outside the base's top-k has log-prob −1e9 and one such sample would
 * swamp GAE (the estimate then has no cliff: both sides are finite for every token).
 */
final class BaseKl {
    private BaseKl() {}

    /**
     * For each decision, Σ over the action's tokens of log π_agent(a|o) − log π_base(a|o), both scored
     * without gradient, {@code chunkRows} decisions per forward.
     *
     * @param roles the adapter of each decision's agent
     */
    static double[] perDecision(LmEngine engine, SamplingParams sampling, List<AgentStep> decisions, List<String> roles, int chunkRows) {
        return perDecision(role -> engine, sampling, decisions, roles, chunkRows);
    }

    /** As above, each role's decisions scored on its own base ({@code engineOf}: its adapter's engine). */
    static double[] perDecision(Function<String, LmEngine> engineOf, SamplingParams sampling, List<AgentStep> decisions, List<String> roles,
                                int chunkRows) {
        SamplingParams tempered = new SamplingParams(sampling.maxNewTokens(), sampling.temperature(), 0, 1.0);
        double[] kl = new double[decisions.size()];
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < decisions.size(); d++) order.add(d);
        // one adapter per scoring call: group the decisions by agent
        order.sort((a, b) -> roles.get(a).compareTo(roles.get(b)));
        for (int s = 0; s < order.size(); ) {
            String role = roles.get(order.get(s));
            int e = s;
            while (e < order.size() && e - s < chunkRows && roles.get(order.get(e)).equals(role)) e++;
            List<Integer> chunk = order.subList(s, e);
            List<int[]> prompts = chunk.stream().map(d -> decisions.get(d).promptTokens()).toList();
            List<int[]> actions = chunk.stream().map(d -> decisions.get(d).actionTokens()).toList();
            LmEngine engine = engineOf.apply(role);
            float[][] agent = score(engine, prompts, actions, role, tempered), base = score(engine, prompts, actions, null, tempered);
            for (int k = 0; k < chunk.size(); k++) kl[chunk.get(k)] = KlPenalty.estimate(agent[k], base[k]);
            s = e;
        }
        return kl;
    }

    private static float[][] score(LmEngine engine, List<int[]> prompts, List<int[]> actions, String adapter, SamplingParams p) {
        try (NDManager m = engine.model().manager().newSubManager()) {
            ActionScores sc = engine.scoreActions(m, prompts, actions, adapter, p, false);
            float[] lp = sc.logprobs().toFloatArray();
            int amax = (int) sc.logprobs().getShape().get(1);
            float[][] out = new float[prompts.size()][];
            for (int k = 0; k < out.length; k++) out[k] = Arrays.copyOfRange(lp, k * amax, k * amax + actions.get(k).length);
            return out;
        }
    }
}
