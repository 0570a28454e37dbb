package ai.marft.lm;

/**
 * One sampled continuation of a prompt.
 *
 * @param tokens        the sampled ids, EOS included when it stopped the row
 * @param logprobs      log-prob of each sampled id under the distribution it was drawn from
 *                      (temperature, top-k, top-p applied): PPO's behaviour policy
 * @param endedWithEos  true when EOS stopped it, false when {@code maxNewTokens} did
 * @param unfilteredLogprobs log-prob of each sampled id under logits / temperature WITHOUT the top-k and
 *                      top-p filters (the policy side of the KL-to-base estimate), or null where the
 *                      generator does not give it (then it is scored afterwards)
 */
public record Generation(int[] tokens, float[] logprobs, boolean endedWithEos, float[] unfilteredLogprobs) {
    /** A generation without unfiltered log-probs. */
    public Generation(int[] tokens, float[] logprobs, boolean endedWithEos) {
        this(tokens, logprobs, endedWithEos, null);
    }
}
