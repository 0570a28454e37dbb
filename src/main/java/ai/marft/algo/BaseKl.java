package ai.marft.algo;

import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.AgentStep;

import java.util.ArrayList;
import java.util.List;

/**
 * The KL-to-base estimates of a rollout, per token or per decision, for the {@code kl_coef} penalty
 * ({@link ai.marft.rl.KlPenalty}). Both log-probs are taken under the tempered distribution WITHOUT the
 * top-k / top-p filters: under the filtered one, a sampled token outside the base's top-k has log-prob
 * −1e9 and one such sample would swamp GAE (the estimate then has no cliff: both sides are finite for
 * every token). The agent's side is what the rollout recorded when its generator gave it
 * ({@link AgentStep#unfilteredLogprobs}), else its adapter scores the actions; the base's side is the
 * critic's pass when the agent shares the critic's base, else a no-grad forward on the agent's base
 * ({@link LmEngine#actionLogprobs}: the fused decoder on CPU).
 */
final class BaseKl {
    private BaseKl() {}

    /** The distribution both sides are taken under: the sampling temperature, no top-k, no top-p. */
    static SamplingParams unfiltered(SamplingParams sampling) {
        return new SamplingParams(sampling.maxNewTokens(), sampling.temperature(), 0, 1.0);
    }

    /** Per decision, Σ over its tokens of log π_agent − log π_base (0 for an agent that did not act): APPO's and GRPO's estimate. */
    static double[] perDecision(TeamParameters params, Decisions x, SamplingParams sampling, float[][] criticBaseLogprobs) {
        double[][] tokens = perToken(params, x, sampling, criticBaseLogprobs);
        double[] kl = new double[tokens.length];
        for (int d = 0; d < kl.length; d++) for (double v : tokens[d]) kl[d] += v;
        return kl;
    }

    /**
     * Per decision and action token, log π_agent(a_k | o, a_&lt;k) − log π_base(a_k | o, a_&lt;k) (empty for an
     * agent that did not act): TPPO's. {@code criticBaseLogprobs}: the base's log-probs per decision from
     * the critic's pass (under {@link #unfiltered}), used for the agents on the critic's base; may be null.
     */
    static double[][] perToken(TeamParameters params, Decisions x, SamplingParams sampling, float[][] criticBaseLogprobs) {
        double[][] kl = new double[x.size()][0];
        for (int agent = 0; agent < x.agents(); agent++) { // one adapter per scoring call
            List<Integer> mine = new ArrayList<>();
            for (int d = agent; d < x.size(); d += x.agents()) if (x.acted(d)) mine.add(d);
            LmEngine engine = params.engines().agent(agent);
            float[][] base = criticBaseLogprobs != null && engine == params.engines().critic()
                    ? mine.stream().map(d -> criticBaseLogprobs[d]).toArray(float[][]::new) : null;
            double[][] r = agentTokens(engine, params.team().roles().get(agent), mine.stream().map(x::get).toList(), sampling, base);
            for (int k = 0; k < r.length; k++) kl[mine.get(k)] = r[k];
        }
        return kl;
    }

    /**
     * One agent's decisions (its adapter {@code role} on its base {@code engine}): per token, log π_agent −
     * log π_base; {@code base} the base's side when already known (null: computed here).
     */
    static double[][] agentTokens(LmEngine engine, String role, List<AgentStep> steps, SamplingParams sampling, float[][] base) {
        if (steps.isEmpty()) return new double[0][];
        SamplingParams p = unfiltered(sampling);
        List<int[]> prompts = steps.stream().map(AgentStep::promptTokens).toList();
        List<int[]> actions = steps.stream().map(AgentStep::actionTokens).toList();
        float[][] policy = steps.stream().allMatch(s -> s.unfilteredLogprobs() != null)
                ? steps.stream().map(AgentStep::unfilteredLogprobs).toArray(float[][]::new)
                : inChunks(engine, prompts, actions, role, p);
        if (base == null) base = inChunks(engine, prompts, actions, null, p);
        double[][] kl = new double[steps.size()][];
        for (int k = 0; k < kl.length; k++) {
            kl[k] = new double[actions.get(k).length];
            for (int j = 0; j < kl[k].length; j++) kl[k][j] = (double) policy[k][j] - base[k][j];
        }
        return kl;
    }

    /** {@link LmEngine#actionLogprobs} in chunks of {@link BaseFeatures#CHUNK_ROWS} rows. */
    private static float[][] inChunks(LmEngine engine, List<int[]> prompts, List<int[]> actions, String adapter, SamplingParams p) {
        float[][] out = new float[prompts.size()][];
        for (int s = 0; s < prompts.size(); s += BaseFeatures.CHUNK_ROWS) {
            int e = Math.min(prompts.size(), s + BaseFeatures.CHUNK_ROWS);
            System.arraycopy(engine.actionLogprobs(prompts.subList(s, e), actions.subList(s, e), adapter, p), 0, out, s, e - s);
        }
        return out;
    }
}
