package ai.marft.lm;

import java.util.List;

/**
 * Continues token prompts over the shared base model, each row with its own (named) LoRA adapter,
 * so that agents of one Flex-MG layer act in one batched call. The engine implements it; rollouts
 * and evaluation depend only on this, so they can be tested with doubles.
 */
public interface TextGenerator {
    /**
     * Samples one continuation per prompt, all in one batch (left-padded, with position ids).
     *
     * @param adapters one adapter name per prompt; null entries mean the bare base model
     * @param seed     same seed, prompts, adapters and weights give the same tokens
     */
    List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed);

    /** The tokenizer that goes with the model. */
    Tokenizer tokenizer();
}
