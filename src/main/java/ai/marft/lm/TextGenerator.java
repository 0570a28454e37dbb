package ai.marft.lm;

import java.util.List;

/**
 * Continues token prompts with one named adapter over the shared base model. The engine
 * implements it; rollouts and evaluation depend only on this, so they can be tested with doubles.
 */
public interface TextGenerator {
    /**
     * Samples one continuation per prompt, all in one batch (left-padded, with position ids).
     *
     * @param adapter adapter name, or null for the bare base model
     * @param seed    same seed, prompts and weights give the same tokens
     */
    List<Generation> generate(List<int[]> prompts, String adapter, SamplingParams params, long seed);

    /** The tokenizer that goes with the model. */
    Tokenizer tokenizer();
}
