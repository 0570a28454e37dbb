package ai.marft.mas;

/**
 * One agent's decision in one environment at one step, as the rollout recorded it.
 *
 * @param observation  the environment's observation for this agent
 * @param promptTokens the ids of the agent's full prompt (profile prompt, observation, the turns it
 *                     depends on, its turn opener): what the critic reads
 * @param actionTokens the sampled ids as generated, EOS included when sampled
 * @param actionText   the action tokens decoded without the stop token (when one ended it): what the environment receives
 * @param logprobs     behaviour log-prob of each action token (same length as {@code actionTokens})
 * @param endedWithEos false when {@code maxNewTokens} cut the action short
 * @param criticPromptTokens the same prompt in the critic's tokenizer (the same array when the agent's
 *                     base is the critic's, or shares its tokenizer)
 * @param unfilteredLogprobs each action token's log-prob without top-k / top-p ({@link ai.marft.lm.Generation}),
 *                     or null when the generator did not give it
 */
public record AgentStep(String observation, int[] promptTokens, int[] actionTokens, String actionText, float[] logprobs, boolean endedWithEos,
                        int[] criticPromptTokens, float[] unfilteredLogprobs) {
    /** A decision without unfiltered log-probs. */
    public AgentStep(String observation, int[] promptTokens, int[] actionTokens, String actionText, float[] logprobs, boolean endedWithEos,
                     int[] criticPromptTokens) {
        this(observation, promptTokens, actionTokens, actionText, logprobs, endedWithEos, criticPromptTokens, null);
    }

    /** A decision of an agent on the critic's base. */
    public AgentStep(String observation, int[] promptTokens, int[] actionTokens, String actionText, float[] logprobs, boolean endedWithEos) {
        this(observation, promptTokens, actionTokens, actionText, logprobs, endedWithEos, promptTokens);
    }

    /** Sum of the action's token log-probs: log π(a|o) at the action level. */
    public double logprobSum() {
        double s = 0;
        for (float lp : logprobs) s += lp;
        return s;
    }
}
