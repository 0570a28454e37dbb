package ai.marft.lm;

/**
 * How tokens are drawn: logits / temperature, then top-k, then top-p (nucleus), renormalised.
 * The same params are given to the training-side scorer so that behaviour log-probs and training
 * log-probs are taken under one distribution (MARFT.md §10 defect 4). temperature 0 means greedy
 * (log-probs then taken at temperature 1). topK 0 and topP 1 disable those filters.
 */
public record SamplingParams(int maxNewTokens, double temperature, int topK, double topP) {
    public SamplingParams {
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature); // NaN too
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }

    /** The reference's rollout sampling: temperature 0.5, top-k 50. */
    public static SamplingParams reference(int maxNewTokens) {
        return new SamplingParams(maxNewTokens, 0.5, 50, 1.0);
    }
}
