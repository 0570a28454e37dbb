package ai.marft.lm;

/** Text to token ids and back; the engine's is a Hugging Face tokenizer.json, tests may use doubles. */
public interface Tokenizer {
    /** Token ids of {@code text}, special-token strings (e.g. {@code <|im_start|>}) recognised, no BOS/EOS added, never truncated. */
    int[] encode(String text);

    /**
     * Token ids of a whole prompt as Hugging Face's {@code tokenizer(text)} gives them (its default
     * {@code add_special_tokens=True}): with the BOS token of tokenizers whose post-processor adds one
     * (Llama's), nothing added for those that add none (Qwen's, the embedded model's).
     */
    default int[] encodePrompt(String text) {
        return encode(text);
    }

    /** Text of {@code ids}; special tokens are kept as text so transcripts read as they were generated. */
    String decode(int[] ids);

    /** An action's text as the reference decodes it ({@code skip_special_tokens=True}): what environments and later agents read. */
    default String decodeAction(int[] ids) {
        return decode(ids);
    }

    /**
     * The bytes of text token {@code id} stands for; with {@code asAction}, as {@link #decodeAction}
     * writes it (a special token it skips stands for none). Concatenated over a sequence they give its
     * decoded text's UTF-8 bytes (before a lossy decoder replaces an invalid byte sequence), so they
     * place each token in that text (MARFT-T across tokenizers, {@code ai.marft.algo.TokenAlignment}).
     * The default decodes the token alone: exact where every token decodes to whole characters.
     */
    default byte[] tokenBytes(int id, boolean asAction) {
        int[] one = {id};
        return (asAction ? decodeAction(one) : decode(one)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** End-of-sequence id: generation stops after sampling it. */
    int eosId();

    /** Padding id (falls back to EOS when the model defines none). */
    int padId();

    /** Number of ids (embedding rows may be more). */
    int vocabSize();
}
