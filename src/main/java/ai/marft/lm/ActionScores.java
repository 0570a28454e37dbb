package ai.marft.lm;

import ai.djl.ndarray.NDArray;

/**
 * Per-token scores of action tokens, padded to the longest action: log-probs and entropies of the
 * sampling distribution [B, Amax] (float32, differentiable when asked) and mask [B, Amax] (1 = real token).
 */
public record ActionScores(NDArray logprobs, NDArray entropies, NDArray mask) {}
