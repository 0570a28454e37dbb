package ai.marft.pretrain;

import ai.marft.lm.Tokenizer;

/**
 * One agent's turn as a training example: exactly the prompt a rollout gives that agent
 * (MARFT.md §3, built with PromptFormat), then its action and the end-of-turn token. Only the action
 * and the end token are trained (the loss mask).
 *
 * @param step    1-based environment step of the episode
 * @param right   whether the teacher drew this turn right
 * @param mistake the kind of wrong turn, null when right
 */
public record Transcript(String role, int step, String prompt, String action, boolean right, Mistake mistake) {
    /** The end-of-turn token that closes every action (the tokenizer's EOS). */
    public static final String END = "<|im_end|>";

    /** The whole training text: prompt, action, end token. */
    public String text() {
        return prompt + action + END;
    }

    /** The trained part: action and end token. */
    public String target() {
        return action + END;
    }

    /**
     * Token ids of {@link #text()}: the prompt encoded alone (as a rollout encodes it), then the
     * target encoded alone (as the model would generate it). Positions from {@code promptTokens} on
     * are trained.
     */
    public Tokenized tokenize(Tokenizer tokenizer) {
        int[] p = tokenizer.encode(prompt);
        int[] t = tokenizer.encode(target());
        int[] ids = new int[p.length + t.length];
        System.arraycopy(p, 0, ids, 0, p.length);
        System.arraycopy(t, 0, ids, p.length, t.length);
        return new Tokenized(ids, p.length);
    }

    /** Token ids of a transcript; ids[promptTokens..] are the agent's own output (trained), the rest context. */
    public record Tokenized(int[] ids, int promptTokens) {
        /** Per position, whether it is trained. */
        public boolean[] lossMask() {
            boolean[] m = new boolean[ids.length];
            for (int i = promptTokens; i < ids.length; i++) m[i] = true;
            return m;
        }
    }
}
