package ai.marft.serve;

import ai.marft.Json;
import ai.marft.lm.Generation;
import ai.marft.lm.Tokenizer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;

/**
 * One choice as the client sees it: the sampled ids (EOS included when it stopped the row, as the
 * local engine returns them), their log-probs, the text (without the EOS, cut before a stop string),
 * and OpenAI's finish_reason: "stop" for EOS or a stop string, "length" for max_tokens.
 */
record Finished(int[] tokens, float[] logprobs, String text, String finishReason, String stopReason) {

    /** Applies the stop strings: the row ends at the first token whose text completes one of them (vLLM's rule). */
    static Finished of(Generation g, Tokenizer tok, List<String> stop) {
        int[] ids = g.tokens();
        if (tok == null) return new Finished(ids, g.logprobs(), "", g.endedWithEos() ? "stop" : "length", null);
        int textLen = g.endedWithEos() ? ids.length - 1 : ids.length;
        if (!stop.isEmpty())
            for (int k = 1; k <= textLen; k++) {
                String text = tok.decode(Arrays.copyOf(ids, k));
                for (String s : stop) {
                    int at = text.indexOf(s);
                    if (at >= 0)
                        return new Finished(Arrays.copyOf(ids, k), Arrays.copyOf(g.logprobs(), k), text.substring(0, at), "stop", s);
                }
            }
        return new Finished(ids, g.logprobs(), tok.decode(Arrays.copyOf(ids, textLen)), g.endedWithEos() ? "stop" : "length", null);
    }

    ArrayNode tokenIds() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (int t : tokens) a.add(t);
        return a;
    }

    /**
     * OpenAI's completion logprobs object for the sampled tokens, tokens written as vLLM writes them
     * with --return-tokens-as-token-ids ({@code "token_id:17"}); log-probs are those of the sampling
     * distribution (temperature, top-k, top-p applied) the token was drawn from.
     */
    ObjectNode completionLogprobs(Tokenizer tok) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode tokensOut = o.putArray("tokens"), lps = o.putArray("token_logprobs"), top = o.putArray("top_logprobs"), offsets = o.putArray("text_offset");
        for (int k = 0; k < tokens.length; k++) {
            String name = "token_id:" + tokens[k];
            tokensOut.add(name);
            lps.add(logprobs[k]);
            top.addObject().put(name, logprobs[k]);
            offsets.add(tok == null || k == 0 ? 0 : Math.min(text.length(), tok.decode(Arrays.copyOf(tokens, k)).length()));
        }
        return o;
    }

    /** OpenAI's chat logprobs object ({@code content}: one entry per sampled token). */
    ObjectNode chatLogprobs() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode content = o.putArray("content");
        for (int k = 0; k < tokens.length; k++)
            content.addObject().put("token", "token_id:" + tokens[k]).put("logprob", logprobs[k]).putNull("bytes").putArray("top_logprobs");
        o.putNull("refusal");
        return o;
    }
}
