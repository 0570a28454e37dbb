package ai.marft.env.math;

import ai.marft.Json;
import ai.marft.lm.ModelConfig;
import ai.marft.lm.SafeTensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Tiny qwen2 models (hidden 8, 2 layers, 4 query heads over 2 KV heads, tied embeddings, q/k/v biases)
 * over the real Qwen tokenizer's 151,669 ids: the 151,669 × 8 embedding, which is also the LM head,
 * keeps each decode step cheap. Written in Hugging Face layout (config.json, model.safetensors).
 */
final class QwenVocabModels {
    static final int HIDDEN = 8, LAYERS = 2, HEADS = 4, KV_HEADS = 2, HEAD_DIM = 2, INTERMEDIATE = 16;

    private QwenVocabModels() {}

    /** Random weights, babbling tokens from all over the vocabulary; the Qwen tokenizer files are copied beside. */
    static void random(Path dir, Path qwen, int vocab, int[] eos, int pad, long seed) throws IOException {
        Random rng = new Random(seed);
        write(dir, vocab, eos, pad, normal(rng, vocab * HIDDEN, 0.5, 0), rng, 1.0, 0.3);
        Files.copy(qwen.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.copy(qwen.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    }

    /**
     * A model that says "9" and stops, whatever the prompt. Blocks get near-zero weights, so the last
     * hidden state is about the last token's embedding; final norm weights of 6 sharpen the logits.
     * Every embedding row is (1, 0, noise): from such a token, "9" = (2, -1, 0...) leads the logits by
     * ~16 (temperature 0.5: ~33, against ln 151,669 ≈ 12 for the rest); from "9", EOS = (0, -8, 0...)
     * leads "9" by ~23. No tokenizer files: load it with a tokenizer already at hand.
     */
    static void answersNine(Path dir, int vocab, int[] eos, int pad, int nineId) throws IOException {
        Random rng = new Random(9);
        float[] embed = new float[vocab * HIDDEN];
        for (int v = 0; v < vocab; v++) {
            embed[v * HIDDEN] = 1;
            for (int k = 2; k < HIDDEN; k++) embed[v * HIDDEN + k] = (float) (rng.nextGaussian() * 0.1);
        }
        row(embed, nineId, 2, -1);
        row(embed, eos[0], 0, -8);
        write(dir, vocab, eos, pad, embed, rng, 6.0, 0.01);
    }

    private static void row(float[] embed, int id, float first, float second) {
        Arrays.fill(embed, id * HIDDEN, (id + 1) * HIDDEN, 0f);
        embed[id * HIDDEN] = first;
        embed[id * HIDDEN + 1] = second;
    }

    /** Writes config.json and model.safetensors (block weights ~ N(0, blockStd²)). */
    private static void write(Path dir, int vocab, int[] eos, int pad, float[] embed, Random rng,
                              double finalNorm, double blockStd) throws IOException {
        int h = HIDDEN, d = HEAD_DIM;
        ModelConfig c = new ModelConfig("qwen2", vocab, h, INTERMEDIATE, LAYERS, HEADS, KV_HEADS, d, 1e-6, 1e6, true, true, false,
                4096, eos, pad);
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.add("model.embed_tokens.weight", embed, vocab, h);
        w.add("model.norm.weight", normal(rng, h, 0.1 * finalNorm, finalNorm), h);
        for (int l = 0; l < LAYERS; l++) {
            String p = "model.layers." + l + ".";
            w.add(p + "input_layernorm.weight", normal(rng, h, 0.1, 1), h);
            w.add(p + "post_attention_layernorm.weight", normal(rng, h, 0.1, 1), h);
            for (String n : new String[]{"q", "k", "v"}) {
                int out = n.equals("q") ? HEADS * d : KV_HEADS * d;
                w.add(p + "self_attn." + n + "_proj.weight", normal(rng, out * h, blockStd, 0), out, h);
                w.add(p + "self_attn." + n + "_proj.bias", normal(rng, out, blockStd, 0), out);
            }
            w.add(p + "self_attn.o_proj.weight", normal(rng, h * HEADS * d, blockStd, 0), h, HEADS * d);
            w.add(p + "mlp.gate_proj.weight", normal(rng, INTERMEDIATE * h, blockStd, 0), INTERMEDIATE, h);
            w.add(p + "mlp.up_proj.weight", normal(rng, INTERMEDIATE * h, blockStd, 0), INTERMEDIATE, h);
            w.add(p + "mlp.down_proj.weight", normal(rng, h * INTERMEDIATE, blockStd, 0), h, INTERMEDIATE);
        }
        Files.createDirectories(dir);
        Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), c.toJson());
        w.write(dir.resolve("model.safetensors"), "F32");
    }

    private static float[] normal(Random rng, int n, double std, double mean) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (mean + rng.nextGaussian() * std);
        return v;
    }
}
