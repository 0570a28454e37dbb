package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.config.Options;
import ai.marft.lm.ModelConfig;

import java.nio.file.Path;

/**
 * The sampling flags of {@code eval} and {@code generate}, checked against the declared ranges of
 * the training options of the same name (temperature 0 also allowed: greedy), and the context
 * length a prompt plus its new tokens may take, each with one line naming the flag and the value.
 */
final class SamplingFlags {
    private SamplingFlags() {}

    /** Checks the given flags; null means not given (the default or the checkpoint's value applies). */
    static void check(Integer maxNewTokens, Double temperature, Integer topK, Double topP) {
        if (temperature != null) Options.checkSampling("temperature", temperature, "--temperature");
        if (topK != null) Options.checkSampling("top_k", topK, "--top-k");
        if (topP != null) Options.checkSampling("top_p", topP, "--top-p");
        if (maxNewTokens != null) Options.checkSampling("max_new_tokens", maxNewTokens, "--max-new-tokens");
    }

    /**
     * Refuses a prompt of {@code promptTokens} that, with {@code maxNewTokens} more, would pass the
     * model's {@code max_position_embeddings} (positions beyond it give garbage, not an error).
     */
    static void checkContext(int promptTokens, int maxNewTokens, ModelConfig config, Path modelDir) {
        if ((long) promptTokens + maxNewTokens > config.maxPositions())
            throw new InputError("--prompt: " + promptTokens + " tokens + --max-new-tokens " + maxNewTokens + " = " + (promptTokens + (long) maxNewTokens)
                    + " positions, more than the model's max_position_embeddings " + config.maxPositions() + " (" + modelDir.resolve("config.json")
                    + "): shorten the prompt or lower --max-new-tokens");
    }
}
