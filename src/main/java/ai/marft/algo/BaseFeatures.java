package ai.marft.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.marft.lm.BaseForward;
import ai.marft.lm.LmEngine;
import ai.marft.lm.Owned;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.ValueHead;
import ai.marft.mas.RolloutBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What the critic reads: the frozen base's final hidden states (no adapter, no gradient; the engine's
 * no-grad path, {@link LmEngine#baseForward}), computed once per iteration in chunks of
 * {@link #CHUNK_ROWS} sequences, and the critic's values on them. When the KL penalty needs the base's
 * log-probs of the actions on the critic's base, the same forward over prompt + action gives them.
 */
final class BaseFeatures {
    /** Sequences per frozen-base forward. */
    static final int CHUNK_ROWS = 32;

    /**
     * One pass of the frozen base over a rollout's decisions.
     *
     * @param features     the critic's features, owned by the caller's manager
     * @param baseLogprobs per decision, the base's log-probs of its action tokens; null when not asked for
     *                     (an entry null where the pass read another tokenizer's ids, {@link #alignedPositions})
     */
    record Pass(NDArray features, float[][] baseLogprobs) {}

    private BaseFeatures() {}

    /**
     * The hidden state at each prompt's last token, [n, 1, H] (action level); with {@code logprobsUnder}
     * non-null the forward runs over prompt + action and also gives the base's log-probs of the action
     * tokens under that distribution, else it reads the prompts alone.
     */
    static Pass lastPromptToken(LmEngine engine, NDManager m, List<int[]> prompts, List<int[]> actions, SamplingParams logprobsUnder) {
        List<int[]> read = logprobsUnder == null ? Collections.nCopies(prompts.size(), new int[0]) : actions;
        return chunked(engine, prompts, read, false, logprobsUnder, (f, from, to) -> {
            NDArray h = f.promptHidden(m); // [b, H]
            return h.reshape(to - from, 1, h.getShape().get(1));
        });
    }

    /**
     * The hidden states at the positions that predict each action token, [n, width, H] (zeros beyond an
     * action, masked out of every loss; token level), and with {@code logprobsUnder} non-null the base's
     * log-probs of those tokens.
     */
    static Pass actionPositions(LmEngine engine, NDManager m, List<int[]> prompts, List<int[]> actions, int width, SamplingParams logprobsUnder) {
        return chunked(engine, prompts, actions, true, logprobsUnder, (f, from, to) -> f.actionHidden(m, width));
    }

    /**
     * As {@link #actionPositions} for decisions read through {@link TokenAlignment}: each row's critic
     * prompt + critic action in one forward, and decision d's entry j the hidden state at entry
     * {@code positions[j]} of its forward's action-predicting states; [n, width, H], zeros beyond each
     * action. With {@code logprobsUnder} non-null, the base's log-probs of the action tokens of the rows
     * that read the agent's own ids ({@link TokenAlignment.Row#ownIds}), null for the others.
     */
    static Pass alignedPositions(LmEngine engine, NDManager m, List<TokenAlignment.Row> rows, int width, SamplingParams logprobsUnder) {
        List<int[]> prompts = rows.stream().map(TokenAlignment.Row::criticPrompt).toList();
        List<int[]> actions = rows.stream().map(TokenAlignment.Row::criticAction).toList();
        Pass pass = chunked(engine, prompts, actions, true, logprobsUnder, (f, from, to) -> {
            int h = f.promptHidden()[0].length;
            float[] flat = new float[(to - from) * width * h];
            for (int b = 0; b < to - from; b++) {
                int[] pos = rows.get(from + b).positions();
                float[][] states = f.actionHidden()[b];
                for (int j = 0; j < pos.length; j++) {
                    float[] state = pos[j] == 0 && states.length == 0 ? f.promptHidden()[b] : states[pos[j]];
                    System.arraycopy(state, 0, flat, (b * width + j) * h, h);
                }
            }
            return Owned.of(m.create(flat, new Shape(to - from, width, h)));
        });
        if (pass.baseLogprobs() != null) // the critic's ids of another tokenizer's action: no log-probs of the agent's tokens
            for (int d = 0; d < rows.size(); d++) if (!rows.get(d).ownIds()) pass.baseLogprobs()[d] = null;
        return pass;
    }

    /** One chunk's features: the forward {@code f} of rows [from, to). */
    private interface ChunkFeatures {
        NDArray of(BaseForward f, int from, int to);
    }

    /** The base's forward chunk by chunk; {@code features} turns each chunk's forward into its features. */
    private static Pass chunked(LmEngine engine, List<int[]> prompts, List<int[]> actions, boolean withActionHidden, SamplingParams logprobsUnder,
                                ChunkFeatures features) {
        NDList parts = new NDList();
        float[][] lps = logprobsUnder == null ? null : new float[prompts.size()][];
        for (int s = 0; s < prompts.size(); s += CHUNK_ROWS) {
            int e = Math.min(prompts.size(), s + CHUNK_ROWS);
            BaseForward f = engine.baseForward(prompts.subList(s, e), actions.subList(s, e), withActionHidden, logprobsUnder);
            parts.add(features.of(f, s, e));
            if (lps != null) System.arraycopy(f.actionLogprobs(), 0, lps, s, e - s);
        }
        return new Pass(parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts), lps);
    }

    /** The critic's values on features [n, w, H] (no gradient), row-major [n * w]. */
    static double[] values(LmEngine engine, ValueHead critic, NDArray features) {
        try (NDManager m = engine.model().manager().newSubManager()) {
            NDArray v = critic.forward(features.stopGradient());
            v.attach(m);
            float[] f = v.toFloatArray();
            double[] out = new double[f.length];
            for (int k = 0; k < f.length; k++) out[k] = f[k];
            return out;
        }
    }

    /**
     * The critic's value at each environment's bootstrap prompt; NaN where the episode ended at the last
     * step, whose bootstrap GAE never reads (with horizon-1 episodes: every environment, and no forward).
     */
    static double[] bootstrapValues(LmEngine engine, ValueHead critic, NDManager m, RolloutBatch b) {
        double[] out = new double[b.envs()];
        Arrays.fill(out, Double.NaN);
        List<Integer> open = new ArrayList<>();
        for (int e = 0; e < b.envs(); e++) if (!b.dones()[b.steps() - 1][e]) open.add(e);
        if (open.isEmpty()) return out;
        List<int[]> prompts = open.stream().map(e -> b.bootstrapPrompts()[e]).toList();
        double[] v = values(engine, critic, lastPromptToken(engine, m, prompts, null, null).features());
        for (int k = 0; k < open.size(); k++) out[open.get(k)] = v[k];
        return out;
    }
}
