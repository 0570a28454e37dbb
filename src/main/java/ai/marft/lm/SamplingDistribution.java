package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * The distribution tokens are sampled from (see {@link Sampler}), on tensors and differentiable
 * in the logits: log-probs [N, V] of logits / temperature after the top-k and top-p filters,
 * renormalised. Filtered-out tokens get a log-prob near -1e9 (finite, so 0·log 0 stays 0).
 */
final class SamplingDistribution {
    private SamplingDistribution() {}

    static NDArray logProbs(NDArray logits, SamplingParams p) {
        long vocab = logits.getShape().get(1);
        NDArray z = p.temperature() == 0 || p.temperature() == 1 ? logits : Scalars.div(logits, p.temperature());
        NDArray masked = Owned.of(z.getManager().create(CausalLm.MASKED));
        if (p.topK() > 0 && p.topK() < vocab) {
            NDArray kth = z.stopGradient().topK(p.topK(), 1, true, true).get(0).get(":, -1:");  // [N,1]
            z = NDArrays.where(z.gte(kth), z, masked);
        }
        if (p.topP() < 1) {
            NDArray probs = z.stopGradient().softmax(1);
            NDArray ascending = probs.sort(1);
            NDArray removed = ascending.cumSum(1).lte(1 - p.topP()).toType(DataType.INT64, false).sum(new int[]{1}, true)
                    .minimum(vocab - 1);                                   // tokens dropped from the low end, at least one kept
            NDArray threshold = ascending.gather(removed, 1);                // smallest kept probability
            z = NDArrays.where(probs.gte(threshold), z, masked);
        }
        return z.logSoftmax(1);
    }
}
