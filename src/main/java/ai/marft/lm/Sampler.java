package ai.marft.lm;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws a token from one row of logits under {@link SamplingParams} (temperature, then top-k, then
 * top-p as Hugging Face's warpers do, renormalised) and returns its log-prob under that distribution.
 * {@link SamplingDistribution} computes the same distribution on tensors for training. A {@link Scratch}
 * holds the per-vocabulary buffers so that a decode loop draws without allocating.
 */
final class Sampler {
    /** A sampled token and its log-prob under the distribution it was drawn from. */
    record Draw(int token, float logprob) {}

    /** Buffers for one vocabulary size, reused from draw to draw (one per thread). */
    static final class Scratch {
        final float[] z, select;
        final boolean[] keep;
        final long[] order;
        double max, logZ;

        Scratch(int vocab) {
            z = new float[vocab];
            select = new float[vocab];
            keep = new boolean[vocab];
            order = new long[vocab];
        }
    }

    private Sampler() {}

    /** Samples from {@code logits[off, off + vocab)}; greedy (argmax) when temperature is 0. */
    static Draw draw(float[] logits, int off, int vocab, SamplingParams p, Random rng) {
        Scratch s = new Scratch(vocab);
        int token = draw(logits, off, vocab, p, rng, s);
        return new Draw(token, (float) (s.z[token] - s.logZ));
    }

    /** As {@link #draw(float[], int, int, SamplingParams, Random)} into {@code s}: returns the token; its log-prob is {@link #logprob(Scratch, int)}. */
    static int draw(float[] logits, int off, int vocab, SamplingParams p, Random rng, Scratch s) {
        distribution(logits, off, vocab, p, s);
        float[] z = s.z;
        boolean[] keep = s.keep;
        int token = -1;
        if (p.temperature() == 0) {
            for (int i = 0; i < vocab; i++) if (keep[i] && (token < 0 || z[i] > z[token])) token = i;
        } else {
            double u = rng.nextDouble(), acc = 0, logZ = s.logZ;
            for (int i = 0; i < vocab; i++) {
                if (!keep[i]) continue;
                token = i;
                acc += Math.exp(z[i] - logZ);
                if (acc > u) break;
            }
        }
        return token;
    }

    /** log-prob of {@code token} under the distribution last computed into s (as the tensors give it: near -1e9 when filtered out). */
    static float logprob(Scratch s, int token) {
        return (float) ((s.keep[token] ? s.z[token] : CausalLm.MASKED) - s.logZ);
    }

    /** Whether p's top-k or top-p can drop tokens of a {@code vocab}-sized vocabulary (else the filtered and unfiltered log-probs agree). */
    static boolean filters(SamplingParams p, int vocab) {
        return (p.topK() > 0 && p.topK() < vocab) || p.topP() < 1;
    }

    /** The log-prob of {@code token} under {@code p}'s distribution over {@code logits[off, off + vocab)}. */
    static float logprob(float[] logits, int off, int vocab, SamplingParams p, int token, Scratch s) {
        distribution(logits, off, vocab, p, s);
        return logprob(s, token);
    }

    /** s.z = logits / t, s.keep = the top-k / top-p survivors, s.logZ = log Σ_kept exp(z). */
    private static void distribution(float[] logits, int off, int vocab, SamplingParams p, Scratch s) {
        float t = p.temperature() == 0 ? 1f : (float) p.temperature();
        float[] z = s.z;
        boolean[] keep = s.keep;
        for (int i = 0; i < vocab; i++) z[i] = logits[off + i] / t; // float division, as on the tensors
        Arrays.fill(keep, 0, vocab, true);
        if (p.topK() > 0 && p.topK() < vocab) {
            float kth = kthLargest(z, vocab, p.topK(), s.select);
            for (int i = 0; i < vocab; i++) keep[i] = z[i] >= kth;
        }
        if (p.topP() < 1) topP(z, keep, vocab, p.topP(), s.order);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) if (keep[i]) max = Math.max(max, z[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) if (keep[i]) sum += Math.exp(z[i] - max);
        double logZ = max + Math.log(sum);
        s.max = max;
        if (!Double.isFinite(logZ)) throw new IllegalStateException("non-finite logits while sampling: the model or adapter weights hold NaN or Inf");
        s.logZ = logZ;
    }

    /**
     * HF TopPLogitsWarper: in ascending order of probability, drop tokens while the cumulative
     * probability stays ≤ 1 − topP; the most likely token always stays. Ties keep index order
     * (the sort keys are the float's order bits above the index).
     */
    private static void topP(float[] z, boolean[] keep, int vocab, double topP, long[] order) {
        int n = 0;
        for (int i = 0; i < vocab; i++) if (keep[i]) order[n++] = (long) orderBits(z[i]) << 32 | i;
        heapSort(order, n);
        double max = z[index(order[n - 1])], sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(z[index(order[j])] - max);
        double cum = 0;
        for (int j = 0; j < n - 1; j++) {
            int i = index(order[j]);
            cum += Math.exp(z[i] - max) / sum;
            if (cum > 1 - topP) break;
            keep[i] = false;
        }
    }

    /**
     * Sorts a[0, n) ascending in place. Why not Arrays.sort: on some sizes it allocates a work buffer,
     * and the decode loop must not allocate per token; the keys are distinct, so any sort gives one order.
     */
    private static void heapSort(long[] a, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(a, i, n);
        for (int end = n - 1; end > 0; end--) {
            long t = a[0];
            a[0] = a[end];
            a[end] = t;
            siftDown(a, 0, end);
        }
    }

    private static void siftDown(long[] a, int i, int n) {
        long v = a[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && a[c + 1] > a[c]) c++;
            if (a[c] <= v) break;
            a[i] = a[c];
            i = c;
        }
        a[i] = v;
    }

    /** An int that orders as Float.compare orders the floats. */
    private static int orderBits(float f) {
        int b = Float.floatToIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    private static int index(long key) {
        return (int) key;
    }

    /** The k-th largest value (1-based) of a. */
    static float kthLargest(float[] a, int k) {
        return kthLargest(a, a.length, k, new float[k]);
    }

    /**
     * The k-th largest of a[0, n), through a min-heap of the k largest seen so far (heap: k floats of
     * scratch). One pass in which almost every value fails its first comparison: on a 150k vocabulary it
     * takes a fraction of what quickselect's passes of swaps did, with the same (unique) value as result.
     */
    private static float kthLargest(float[] a, int n, int k, float[] heap) {
        System.arraycopy(a, 0, heap, 0, k);
        for (int i = k / 2 - 1; i >= 0; i--) siftDownMin(heap, i, k);
        for (int i = k; i < n; i++)
            if (a[i] > heap[0]) {
                heap[0] = a[i];
                siftDownMin(heap, 0, k);
            }
        return heap[0];
    }

    private static void siftDownMin(float[] h, int i, int n) {
        float v = h[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && h[c + 1] < h[c]) c++;
            if (h[c] >= v) break;
            h[i] = h[c];
            i = c;
        }
        h[i] = v;
    }
}
