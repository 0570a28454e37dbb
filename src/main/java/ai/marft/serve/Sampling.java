package ai.marft.serve;

import ai.marft.lm.SamplingParams;

import java.util.List;

/**
 * The sampling fields of a completion or chat request, with OpenAI's defaults (temperature 1,
 * top_p 1, n 1; max_tokens 16 for completions as vLLM), vLLM's top_k (0 or -1 = off), and the
 * parts marft serve does not offer refused with a 400.
 *
 * @param seed null: the server picks one and may batch the rows with other requests
 */
record Sampling(SamplingParams params, int n, Long seed, List<String> stop) {
    static final int MAX_N = 128;

    /** Reads the fields; {@code maxTokensDefault} when neither max_tokens nor max_completion_tokens is given. */
    static Sampling read(Fields f, int maxTokensDefault, Sampling fallback) {
        if (f.flag("stream")) throw ApiError.badRequest("stream", "streaming is not offered by marft serve; send stream: false");
        if (f.integer("best_of", 1, 1, 1) != 1) throw ApiError.badRequest("best_of", "best_of must be 1");
        if (f.flag("echo")) throw ApiError.badRequest("echo", "echo is not offered by marft serve");
        SamplingParams d = fallback == null ? null : fallback.params();
        int max = f.integer("max_tokens", f.integer("max_completion_tokens", d != null ? d.maxNewTokens() : maxTokensDefault, 1, 1 << 20), 1, 1 << 20);
        double temperature = f.number("temperature", d != null ? d.temperature() : 1.0, 0, 100);
        double topP = f.number("top_p", d != null ? d.topP() : 1.0, 0, 1);
        if (topP <= 0) throw ApiError.badRequest("top_p", "'top_p' must be in (0, 1], got " + topP);
        int topK = f.integer("top_k", d != null ? d.topK() : 0, -1, Integer.MAX_VALUE);
        int n = f.integer("n", 1, 1, MAX_N);
        Long seed = f.integer("seed");
        return new Sampling(new SamplingParams(max, temperature, Math.max(topK, 0), topP), n, seed, f.strings("stop"));
    }
}
