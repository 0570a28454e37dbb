package ai.marft.lm;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The architecture of a Llama / Qwen2 causal LM, read from a Hugging Face {@code config.json}.
 *
 * @param qkvBias q/k/v projections have biases (always for qwen2, {@code attention_bias} for llama)
 * @param oBias   the output projection has a bias (llama with {@code attention_bias})
 * @param eosIds  end-of-sequence ids from the config (may be empty)
 */
public record ModelConfig(String modelType, int vocabSize, int hidden, int intermediate, int layers,
                          int heads, int kvHeads, int headDim, double rmsNormEps, double ropeTheta,
                          boolean tieEmbeddings, boolean qkvBias, boolean oBias, int maxPositions,
                          int[] eosIds, int padId) {

    public ModelConfig {
        if (heads % kvHeads != 0) throw new IllegalArgumentException("num_attention_heads " + heads + " not a multiple of num_key_value_heads " + kvHeads);
        if (headDim % 2 != 0) throw new IllegalArgumentException("head_dim must be even, got " + headDim);
    }

    /** Reads {@code dir/config.json}; an unknown architecture or a missing field is an {@link InputError} naming the file. */
    public static ModelConfig load(Path dir) {
        Path file = dir.resolve("config.json");
        JsonNode j;
        try {
            j = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputError(file + ": cannot read model config (" + e.getMessage() + ")", e);
        }
        String type = j.path("model_type").asText("");
        if (!type.equals("llama") && !type.equals("qwen2"))
            throw new InputError(file + ": model_type '" + type + "' is not supported (llama or qwen2)");
        String act = j.path("hidden_act").asText("silu");
        if (!act.equals("silu")) throw new InputError(file + ": hidden_act '" + act + "' is not supported (silu)");
        JsonNode scaling = j.path("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull())
            throw new InputError(file + ": rope_scaling " + scaling + " is not supported");
        if (j.path("mlp_bias").asBoolean(false)) throw new InputError(file + ": mlp_bias true is not supported");
        int hidden = required(j, "hidden_size", file);
        int heads = required(j, "num_attention_heads", file);
        int kvHeads = j.path("num_key_value_heads").asInt(heads);
        int headDim = j.hasNonNull("head_dim") ? j.get("head_dim").asInt() : hidden / heads;
        boolean attnBias = j.path("attention_bias").asBoolean(false);
        boolean qwen = type.equals("qwen2");
        int[] eos = ids(j.path("eos_token_id"));
        int pad = j.hasNonNull("pad_token_id") ? j.get("pad_token_id").asInt() : -1;
        try {
            return new ModelConfig(type, required(j, "vocab_size", file), hidden, required(j, "intermediate_size", file),
                    required(j, "num_hidden_layers", file), heads, kvHeads, headDim,
                    j.path("rms_norm_eps").asDouble(1e-6), j.path("rope_theta").asDouble(10000.0),
                    j.path("tie_word_embeddings").asBoolean(false), qwen || attnBias, !qwen && attnBias,
                    j.path("max_position_embeddings").asInt(32768), eos, pad);
        } catch (IllegalArgumentException e) {
            throw new InputError(file + ": " + e.getMessage(), e);
        }
    }

    private static int required(JsonNode j, String field, Path file) {
        JsonNode v = j.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0)
            throw new InputError(file + ": field '" + field + "' is missing or not a positive integer");
        return v.asInt();
    }

    private static int[] ids(JsonNode n) {
        if (n.isInt()) return new int[]{n.asInt()};
        if (n.isArray()) {
            int[] out = new int[n.size()];
            for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
            return out;
        }
        return new int[0];
    }

    /** The HF {@code config.json} for this architecture (what {@link #load} reads back). */
    public ObjectNode toJson() {
        ObjectNode j = Json.MAPPER.createObjectNode();
        j.putArray("architectures").add(modelType.equals("qwen2") ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        j.put("model_type", modelType);
        j.put("vocab_size", vocabSize);
        j.put("hidden_size", hidden);
        j.put("intermediate_size", intermediate);
        j.put("num_hidden_layers", layers);
        j.put("num_attention_heads", heads);
        j.put("num_key_value_heads", kvHeads);
        j.put("head_dim", headDim);
        j.put("hidden_act", "silu");
        j.put("rms_norm_eps", rmsNormEps);
        j.put("rope_theta", ropeTheta);
        j.put("tie_word_embeddings", tieEmbeddings);
        if (modelType.equals("llama")) j.put("attention_bias", qkvBias);
        j.put("max_position_embeddings", maxPositions);
        ArrayNode eos = j.putArray("eos_token_id");
        for (int e : eosIds) eos.add(e);
        if (padId >= 0) j.put("pad_token_id", padId);
        j.put("torch_dtype", "float32");
        return j;
    }

    /** Number of query heads sharing one key/value head. */
    public int groups() {
        return heads / kvHeads;
    }

    @Override
    public String toString() {
        return modelType + "(vocab " + vocabSize + ", hidden " + hidden + ", layers " + layers + ", heads " + heads + "/" + kvHeads
                + ", head_dim " + headDim + ", intermediate " + intermediate + ", eos " + Arrays.toString(eosIds) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && toJson().equals(c.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }
}
