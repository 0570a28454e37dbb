package ai.marft.lm;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws a token from one row of logits under {@link SamplingParams} (temperature, then top-k, then
 * top-p as Hugging Face's warpers do, renormalised) and returns its log-prob under that distribution.
 * {@link SamplingDistribution} computes the same distribution on tensors for training.
 */
final class Sampler {
    /** A sampled token and its log-prob under the distribution it was drawn from. */
    record Draw(int token, float logprob) {}

    private Sampler() {}

    /** Samples from {@code logits[off, off + vocab)}; greedy (argmax) when temperature is 0. */
    static Draw draw(float[] logits, int off, int vocab, SamplingParams p, Random rng) {
        float t = p.temperature() == 0 ? 1f : (float) p.temperature();
        float[] z = new float[vocab];
        for (int i = 0; i < vocab; i++) z[i] = logits[off + i] / t; // float division, as on the tensors
        boolean[] keep = new boolean[vocab];
        Arrays.fill(keep, true);
        if (p.topK() > 0 && p.topK() < vocab) {
            float kth = kthLargest(z.clone(), p.topK());
            for (int i = 0; i < vocab; i++) keep[i] = z[i] >= kth;
        }
        if (p.topP() < 1) topP(z, keep, p.topP());
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) if (keep[i]) max = Math.max(max, z[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) if (keep[i]) sum += Math.exp(z[i] - max);
        double logZ = max + Math.log(sum);
        if (!Double.isFinite(logZ)) throw new IllegalStateException("non-finite logits while sampling: the model or adapter weights hold NaN or Inf");
        int token = -1;
        if (p.temperature() == 0) {
            for (int i = 0; i < vocab; i++) if (keep[i] && (token < 0 || z[i] > z[token])) token = i;
        } else {
            double u = rng.nextDouble(), acc = 0;
            for (int i = 0; i < vocab; i++) {
                if (!keep[i]) continue;
                token = i;
                acc += Math.exp(z[i] - logZ);
                if (acc > u) break;
            }
        }
        return new Draw(token, (float) (z[token] - logZ));
    }

    /**
     * HF TopPLogitsWarper: in ascending order of probability, drop tokens while the cumulative
     * probability stays ≤ 1 − topP; the most likely token always stays.
     */
    private static void topP(float[] z, boolean[] keep, double topP) {
        int n = 0;
        for (boolean k : keep) if (k) n++;
        Integer[] idx = new Integer[n];
        for (int i = 0, j = 0; i < z.length; i++) if (keep[i]) idx[j++] = i;
        Arrays.sort(idx, (a, b) -> Float.compare(z[a], z[b]));
        double max = z[idx[n - 1]], sum = 0;
        for (Integer i : idx) sum += Math.exp(z[i] - max);
        double cum = 0;
        for (int j = 0; j < n - 1; j++) {
            cum += Math.exp(z[idx[j]] - max) / sum;
            if (cum > 1 - topP) break;
            keep[idx[j]] = false;
        }
    }

    /** The k-th largest value (1-based) of a (scrambled in place) by quickselect. */
    static float kthLargest(float[] a, int k) {
        int lo = 0, hi = a.length - 1, target = k - 1;
        Random r = new Random(a.length);
        while (true) {
            if (lo == hi) return a[lo];
            int pivotIndex = lo + r.nextInt(hi - lo + 1);
            float pivot = a[pivotIndex];
            // three-way partition, descending: [> pivot][== pivot][< pivot]
            int lt = lo, i = lo, gt = hi;
            while (i <= gt) {
                if (a[i] > pivot) swap(a, lt++, i++);
                else if (a[i] < pivot) swap(a, i, gt--);
                else i++;
            }
            if (target < lt) hi = lt - 1;
            else if (target > gt) lo = gt + 1;
            else return pivot;
        }
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
