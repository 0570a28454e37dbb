package ai.marft.lm;

import ai.marft.lm.decode.FusedDecoder;
import ai.marft.lm.decode.RowLora;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@link LmEngine#generate} on the fused decoder: prefill of every row's prompt, then one token per
 * unfinished row per step, sampled by {@link Sampler} from per-row generators seeded exactly as the
 * tensor path seeds them (so both paths draw the same tokens from the same logits). Each token's
 * log-prob is recorded twice: under the distribution it was drawn from (PPO's behaviour policy) and
 * under logits / temperature without the top-k / top-p filters (the KL-to-base estimate's policy side,
 * which then needs no second forward). Buffers are allocated once per call; the step loop allocates
 * nothing on the Java heap.
 */
final class FusedGeneration {
    private FusedGeneration() {}

    /**
     * Generates for {@code prompts}; a row stops at one of {@code eosIds} (none: every row runs the full length).
     * A small model at several threads decodes groups of rows on threads of their own ({@link RowGroups}).
     */
    static List<Generation> run(FusedDecoder decoder, RowLora lora, List<int[]> prompts, SamplingParams params, Random[] rng,
                                int[] eosIds, LmEngine.StepObserver observer, int threads) {
        int groups = observer == null ? RowGroups.count(decoder, threads, prompts.size()) : 1; // the observer sees whole steps
        if (groups == 1) return runRows(decoder, lora, prompts, params, rng, eosIds, observer, threads);
        List<Generation> out = new ArrayList<>(prompts.size());
        for (List<Generation> g : RowGroups.run(groups, prompts.size(), (from, to) ->
                runRows(decoder, lora.rows(from, to), prompts.subList(from, to), params, Arrays.copyOfRange(rng, from, to), eosIds, null, 1)))
            out.addAll(g);
        return out;
    }

    /** {@link #run} on the calling thread, all rows in one session. */
    private static List<Generation> runRows(FusedDecoder decoder, RowLora lora, List<int[]> prompts, SamplingParams params, Random[] rng,
                                            int[] eosIds, LmEngine.StepObserver observer, int threads) {
        int rows = prompts.size(), vocab = decoder.config().vocabSize(), hidden = decoder.config().hidden(), maxNew = params.maxNewTokens();
        int longest = 0;
        for (int[] p : prompts) longest = Math.max(longest, p.length);
        int[][] tokens = new int[rows][maxNew];
        float[][] logprobs = new float[rows][maxNew], unfiltered = new float[rows][maxNew];
        boolean filters = Sampler.filters(params, vocab);
        float[] expTmp = filters ? new float[vocab] : null;
        int[] count = new int[rows];
        boolean[] done = new boolean[rows];
        float[] logits = new float[rows * vocab], lastHidden = new float[rows * hidden];
        float[] observed = observer == null ? null : new float[rows * vocab];
        int chunk = FusedDecoder.CHUNK;
        int[] rowOf = new int[chunk], posOf = new int[chunk], ids = new int[chunk];
        int[] active = new int[rows];
        Sampler.Scratch scratch = new Sampler.Scratch(vocab);
        try (FusedDecoder.Session s = decoder.open(rows, longest + maxNew, lora, threads)) {
            // prefill: all prompt tokens, rows after rows, CHUNK at a time; keep each row's last hidden state
            int n = 0;
            for (int b = 0; b < rows; b++) {
                int[] p = prompts.get(b);
                for (int j = 0; j < p.length; j++) {
                    rowOf[n] = b;
                    posOf[n] = j;
                    ids[n++] = p[j];
                    if (n == chunk || (b == rows - 1 && j == p.length - 1)) {
                        s.forward(n, rowOf, posOf, ids);
                        for (int i = 0; i < n; i++)
                            if (posOf[i] == prompts.get(rowOf[i]).length - 1)
                                System.arraycopy(s.hidden(), i * hidden, lastHidden, rowOf[i] * hidden, hidden);
                        n = 0;
                    }
                }
            }
            s.logits(lastHidden, 0, rows, logits, 0);
            int live = rows;
            for (int b = 0; b < rows; b++) active[b] = b;
            for (int step = 0; ; step++) {
                // logits of active[j] sit at j·vocab
                if (observer != null) observer.logits(step, spread(logits, active, live, rows, vocab, observed));
                for (int j = 0; j < live; j++) {
                    int b = active[j];
                    int t = Sampler.draw(logits, j * vocab, vocab, params, rng[b], scratch);
                    tokens[b][count[b]] = t;
                    logprobs[b][count[b]] = Sampler.logprob(scratch, t);
                    // the filters keep the largest logit, so the kept maximum is the whole vocabulary's
                    unfiltered[b][count[b]] = !filters ? logprobs[b][count[b]]
                            : (float) (scratch.z[t] - FusedDecoder.logSumExp(scratch.z, vocab, (float) scratch.max, expTmp));
                    count[b]++;
                    if (isEos(eosIds, t)) done[b] = true;
                }
                if (step + 1 >= maxNew) break;
                int next = 0;
                for (int j = 0; j < live; j++) if (!done[active[j]]) active[next++] = active[j];
                live = next;
                if (live == 0) break;
                for (int c0 = 0; c0 < live; c0 += chunk) {
                    int m = Math.min(chunk, live - c0);
                    for (int i = 0; i < m; i++) {
                        int b = active[c0 + i];
                        rowOf[i] = b;
                        posOf[i] = prompts.get(b).length + count[b] - 1;
                        ids[i] = tokens[b][count[b] - 1];
                    }
                    s.forward(m, rowOf, posOf, ids);
                    s.logits(s.hidden(), 0, m, logits, c0 * vocab);
                }
            }
        }
        List<Generation> out = new ArrayList<>(rows);
        for (int b = 0; b < rows; b++)
            out.add(new Generation(Arrays.copyOf(tokens[b], count[b]), Arrays.copyOf(logprobs[b], count[b]), done[b],
                    Arrays.copyOf(unfiltered[b], count[b])));
        return out;
    }

    /** The compact logits (active[j] at j·vocab) in row order [rows · vocab] for the observer (rows done keep their last logits). */
    private static float[] spread(float[] logits, int[] active, int live, int rows, int vocab, float[] observed) {
        if (live == rows) return logits;
        for (int j = 0; j < live; j++) System.arraycopy(logits, j * vocab, observed, active[j] * vocab, vocab);
        return observed;
    }

    private static boolean isEos(int[] eosIds, int token) {
        for (int e : eosIds) if (e == token) return true;
        return false;
    }
}
