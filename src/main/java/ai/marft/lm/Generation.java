package ai.marft.lm;

/**
 * One sampled continuation of a prompt.
 *
 * @param tokens        the sampled ids, EOS included when it stopped the row
 * @param logprobs      log-prob of each sampled id under the distribution it was drawn from
 *                      (temperature, top-k, top-p applied): PPO's behaviour policy
 * @param endedWithEos  true when EOS stopped it, false when {@code maxNewTokens} did
 */
public record Generation(int[] tokens, float[] logprobs, boolean endedWithEos) {}
