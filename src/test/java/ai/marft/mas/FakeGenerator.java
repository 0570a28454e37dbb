package ai.marft.mas;

import ai.marft.lm.Generation;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test generator: each row's reply is a {@link Script} of its decoded prompt and a row seed
 * ({@code Seeds.mix(callSeed, row)}), encoded with the tokenizer, EOS appended unless the reply
 * reaches {@code maxNewTokens} (then cut there). Log-probs are pseudo-random in (-1.01, -0.01],
 * a function of the row seed and position. Every call is recorded so tests can assert batching.
 */
public final class FakeGenerator implements TextGenerator {
    /** What an agent says given its prompt. */
    public interface Script {
        String reply(String prompt, long rowSeed);
    }

    /** One recorded generate call. */
    public record Call(List<String> prompts, List<String> adapters, SamplingParams params, long seed) {}

    private final Tokenizer tokenizer;
    private final Script script;
    public final List<Call> calls = new ArrayList<>();

    public FakeGenerator(Script script) {
        this(script, new CharTokenizer());
    }

    /** A generator over another base's vocabulary. */
    public FakeGenerator(Script script, Tokenizer tokenizer) {
        this.script = script;
        this.tokenizer = tokenizer;
    }

    /** The role whose turn a prompt opens: the text after its last {@code <|im_start|>}, up to ": ". */
    public static String roleOf(String prompt) {
        String opener = prompt.substring(prompt.lastIndexOf("<|im_start|>") + "<|im_start|>".length());
        return opener.substring(0, opener.length() - 2);
    }

    /** The problem text of a prompt built from a QaEnv state. */
    public static String problemOf(String prompt) {
        int start = prompt.indexOf("<|im_start|>problem: ") + "<|im_start|>problem: ".length();
        return prompt.substring(start, prompt.indexOf("<|im_end|>", start));
    }

    @Override
    public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
        if (prompts.size() != adapters.size()) throw new IllegalArgumentException("prompts and adapters differ in size");
        List<String> texts = prompts.stream().map(tokenizer::decode).toList();
        calls.add(new Call(texts, new ArrayList<>(adapters), params, seed));
        List<Generation> out = new ArrayList<>();
        for (int row = 0; row < prompts.size(); row++) {
            long rowSeed = Seeds.mix(seed, row);
            int[] reply = tokenizer.encode(script.reply(texts.get(row), rowSeed));
            boolean eos = reply.length < params.maxNewTokens();
            int[] tokens = eos ? Arrays.copyOf(reply, reply.length + 1) : Arrays.copyOf(reply, params.maxNewTokens());
            if (eos) tokens[reply.length] = tokenizer.eosId();
            float[] logprobs = new float[tokens.length];
            for (int k = 0; k < tokens.length; k++) logprobs[k] = -0.01f - (Seeds.mix(rowSeed, k) >>> 40) / (float) (1L << 24);
            out.add(new Generation(tokens, logprobs, eos));
        }
        return out;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }
}
