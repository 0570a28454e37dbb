package ai.marft.algo;

import ai.djl.ndarray.NDManager;
import ai.marft.lm.ActionScores;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The KL-to-base estimates of a rollout, per token or per decision, for the {@code kl_coef} penalty
 * ({@link ai.marft.rl.KlPenalty}). Both log-probs are taken under the tempered distribution WITHOUT the
 * top-k / top-p filters: under the filtered one, a sampled token outside the base's top-k has log-prob
 * −1e9 and one such sample would swamp GAE (the estimate then has no cliff: both sides are finite for
 * every token). Each agent's decisions are scored on its own base: the agent with its adapter (the
 * tensor library's scorer, no gradient), the base through the engine's no-grad fused forward.
 */
final class BaseKl {
    private BaseKl() {}

    /** Per decision, Σ over its tokens of log π_agent − log π_base (0 for an agent that did not act): APPO's and GRPO's estimate. */
    static double[] perDecision(TeamParameters params, Decisions x, SamplingParams sampling) {
        double[][] tokens = perToken(params, x, sampling);
        double[] kl = new double[tokens.length];
        for (int d = 0; d < kl.length; d++) for (double v : tokens[d]) kl[d] += v;
        return kl;
    }

    /** Per decision and action token, log π_agent(a_k | o, a_&lt;k) − log π_base(a_k | o, a_&lt;k) (empty for an agent that did not act): TPPO's. */
    static double[][] perToken(TeamParameters params, Decisions x, SamplingParams sampling) {
        double[][] kl = new double[x.size()][0];
        for (int agent = 0; agent < x.agents(); agent++) { // one adapter per scoring call
            List<Integer> mine = new ArrayList<>();
            for (int d = agent; d < x.size(); d += x.agents()) if (x.acted(d)) mine.add(d);
            double[][] r = agentTokens(params.engines().agent(agent), params.team().roles().get(agent),
                    mine.stream().map(x::get).toList(), sampling);
            for (int k = 0; k < r.length; k++) kl[mine.get(k)] = r[k];
        }
        return kl;
    }

    /** One agent's decisions (its adapter {@code role} on its base {@code engine}): per token, log π_agent − log π_base. */
    static double[][] agentTokens(LmEngine engine, String role, List<AgentStep> steps, SamplingParams sampling) {
        SamplingParams tempered = new SamplingParams(sampling.maxNewTokens(), sampling.temperature(), 0, 1.0);
        double[][] kl = new double[steps.size()][];
        for (int s = 0; s < steps.size(); s += BaseFeatures.CHUNK_ROWS) {
            List<AgentStep> chunk = steps.subList(s, Math.min(steps.size(), s + BaseFeatures.CHUNK_ROWS));
            List<int[]> prompts = chunk.stream().map(AgentStep::promptTokens).toList();
            List<int[]> actions = chunk.stream().map(AgentStep::actionTokens).toList();
            float[][] policy = score(engine, prompts, actions, role, tempered);
            float[][] base = engine.baseForward(prompts, actions, false, tempered, true).actionLogprobs();
            for (int k = 0; k < chunk.size(); k++) {
                double[] r = new double[actions.get(k).length];
                for (int j = 0; j < r.length; j++) r[j] = (double) policy[k][j] - base[k][j];
                kl[s + k] = r;
            }
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
