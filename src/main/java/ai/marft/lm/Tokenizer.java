package ai.marft.lm;

/** Text to token ids and back; the engine's is a Hugging Face tokenizer.json, tests may use doubles. */
public interface Tokenizer {
    /** Token ids of {@code text}, special-token strings (e.g. {@code <|im_start|>}) recognised, no BOS/EOS added, never truncated. */
    int[] encode(String text);

    /** Text of {@code ids}; special tokens are kept as text so transcripts read as they were generated. */
    String decode(int[] ids);

    /** End-of-sequence id: generation stops after sampling it. */
    int eosId();

    /** Padding id (falls back to EOS when the model defines none). */
    int padId();

    /** Number of ids (embedding rows may be more). */
    int vocabSize();
}
