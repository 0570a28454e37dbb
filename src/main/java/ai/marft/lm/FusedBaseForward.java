package ai.marft.lm;

import ai.marft.lm.decode.FusedDecoder;
import ai.marft.lm.decode.RowLora;

import java.util.List;

/**
 * {@link LmEngine#baseForward} and {@link LmEngine#actionLogprobs} on the fused decoder: every row's
 * prompt + action in one cached forward, chunk by chunk, with the rows' adapters (or none).
 */
final class FusedBaseForward {
    private FusedBaseForward() {}

    /** The forward of every row; a small model at several threads runs groups of rows on threads of their own ({@link RowGroups}). */
    static BaseForward run(FusedDecoder decoder, RowLora lora, List<int[]> prompts, List<int[]> actions, boolean withActionHidden,
                           SamplingParams params, int threads) {
        int rows = prompts.size(), groups = RowGroups.count(decoder, threads, rows);
        if (groups == 1) return runRows(decoder, lora, prompts, actions, withActionHidden, params, threads);
        List<BaseForward> parts = RowGroups.run(groups, rows, (from, to) -> runRows(decoder, lora.rows(from, to), prompts.subList(from, to),
                actions.subList(from, to), withActionHidden, params, 1));
        float[][] promptHidden = new float[rows][];
        float[][][] actionHidden = withActionHidden ? new float[rows][][] : null;
        float[][] lps = params == null ? null : new float[rows][];
        int at = 0;
        for (BaseForward p : parts) {
            int n = p.promptHidden().length;
            System.arraycopy(p.promptHidden(), 0, promptHidden, at, n);
            if (actionHidden != null) System.arraycopy(p.actionHidden(), 0, actionHidden, at, n);
            if (lps != null) System.arraycopy(p.actionLogprobs(), 0, lps, at, n);
            at += n;
        }
        return new BaseForward(promptHidden, actionHidden, lps);
    }

    /** {@link #run} on the calling thread, all rows in one session. */
    private static BaseForward runRows(FusedDecoder decoder, RowLora lora, List<int[]> prompts, List<int[]> actions, boolean withActionHidden,
                                       SamplingParams params, int threads) {
        int rows = prompts.size(), h = decoder.config().hidden(), vocab = decoder.config().vocabSize(), chunk = FusedDecoder.CHUNK;
        int longest = 0;
        for (int b = 0; b < rows; b++) longest = Math.max(longest, prompts.get(b).length + actions.get(b).length);
        float[][] promptHidden = new float[rows][h];
        float[][][] actionHidden = withActionHidden ? new float[rows][][] : null;
        float[][] lps = params == null ? null : new float[rows][];
        for (int b = 0; b < rows; b++) {
            if (actionHidden != null) actionHidden[b] = new float[actions.get(b).length][h];
            if (lps != null) lps[b] = new float[actions.get(b).length];
        }
        int[] rowOf = new int[chunk], posOf = new int[chunk], ids = new int[chunk];
        int[] picked = new int[chunk];
        float[] selected = params == null ? null : new float[chunk * h], logits = params == null ? null : new float[chunk * vocab];
        Sampler.Scratch scratch = params == null ? null : new Sampler.Scratch(vocab);
        try (FusedDecoder.Session s = decoder.open(rows, longest, lora, threads)) {
            int n = 0;
            for (int b = 0; b < rows; b++) {
                int[] p = prompts.get(b), a = actions.get(b);
                // positions 0 .. p + a - 2: the last action token predicts nothing we need
                int last = p.length - 1 + Math.max(0, a.length - 1);
                for (int j = 0; j <= last; j++) {
                    rowOf[n] = b;
                    posOf[n] = j;
                    ids[n++] = j < p.length ? p[j] : a[j - p.length];
                    if (n == chunk || (b == rows - 1 && j == last)) {
                        s.forward(n, rowOf, posOf, ids);
                        collect(s.hidden(), n, rowOf, posOf, prompts, actions, promptHidden, actionHidden, lps, params,
                                s, picked, selected, logits, scratch, h, vocab);
                        n = 0;
                    }
                }
            }
        }
        return new BaseForward(promptHidden, actionHidden, lps);
    }

    /** Copies the chunk's hidden states where they are wanted and scores the action tokens they predict. */
    private static void collect(float[] hidden, int n, int[] rowOf, int[] posOf, List<int[]> prompts, List<int[]> actions,
                                float[][] promptHidden, float[][][] actionHidden, float[][] lps, SamplingParams params,
                                FusedDecoder.Session s, int[] picked, float[] selected, float[] logits, Sampler.Scratch scratch, int h, int vocab) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            int b = rowOf[i], j = posOf[i] - (prompts.get(b).length - 1); // the action token this position predicts
            if (j < 0) continue;
            if (j == 0) System.arraycopy(hidden, i * h, promptHidden[b], 0, h);
            if (j >= actions.get(b).length) continue;
            if (actionHidden != null) System.arraycopy(hidden, i * h, actionHidden[b][j], 0, h);
            if (lps != null) {
                System.arraycopy(hidden, i * h, selected, m * h, h);
                picked[m++] = i;
            }
        }
        if (m == 0) return;
        s.logits(selected, 0, m, logits, 0);
        for (int k = 0; k < m; k++) {
            int i = picked[k], b = rowOf[i], j = posOf[i] - (prompts.get(b).length - 1);
            lps[b][j] = Sampler.logprob(logits, k * vocab, vocab, params, actions.get(b)[j], scratch);
        }
    }
}
