package ai.marft.lm;

import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes tiny random models in Hugging Face layout for tests (config.json, model.safetensors and,
 * optionally, a byte-level BPE tokenizer.json whose 256 byte tokens encode any text, plus the
 * special tokens {@code <|endoftext|>} (pad), {@code <|im_start|>}, {@code <|im_end|>} (EOS)).
 */
public final class TinyModels {
    /** Architecture of the tiny model. */
    public enum Flavour {
        /** untied embeddings, no biases, 4 query heads over 2 KV heads */
        LLAMA,
        /** tied embeddings, q/k/v biases, 4 query heads over 2 KV heads */
        QWEN2
    }

    /** Ids of the byte tokenizer's special tokens. */
    public static final int END_OF_TEXT = 256, IM_START = 257, IM_END = 258, BYTE_VOCAB = 259;

    private TinyModels() {}

    /** A model without tokenizer: vocab 64, hidden 32, 2 layers. */
    public static Path write(Path dir, Flavour flavour, long seed) {
        return write(dir, flavour, seed, false);
    }

    /**
     * Writes the model into dir (created); with a tokenizer the vocabulary is the tokenizer's 259 ids
     * and EOS is {@code <|im_end|>}, else 64 ids with EOS 1.
     */
    public static Path write(Path dir, Flavour flavour, long seed, boolean withTokenizer) {
        int vocab = withTokenizer ? BYTE_VOCAB : 64, h = 32, layers = 2, heads = 4, kv = 2, d = 8, inter = 64;
        boolean qwen = flavour == Flavour.QWEN2;
        ModelConfig c = new ModelConfig(qwen ? "qwen2" : "llama", vocab, h, inter, layers, heads, kv, d, 1e-6,
                10000, qwen, qwen, false, 512, new int[]{withTokenizer ? IM_END : 1}, withTokenizer ? END_OF_TEXT : -1);
        Random rng = new Random(seed);
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.add("model.embed_tokens.weight", normal(rng, vocab * h, qwen ? 0.5 : 1.0), vocab, h);
        if (!qwen) w.add("lm_head.weight", normal(rng, vocab * h, 0.3), vocab, h);
        w.add("model.norm.weight", around1(rng, h), h);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.add(p + "input_layernorm.weight", around1(rng, h), h);
            w.add(p + "post_attention_layernorm.weight", around1(rng, h), h);
            for (String n : new String[]{"q", "k", "v"}) {
                int out = n.equals("q") ? heads * d : kv * d;
                w.add(p + "self_attn." + n + "_proj.weight", normal(rng, out * h, 0.25), out, h);
                if (qwen) w.add(p + "self_attn." + n + "_proj.bias", normal(rng, out, 0.3), out);
            }
            w.add(p + "self_attn.o_proj.weight", normal(rng, h * heads * d, 1 / Math.sqrt(heads * d)), h, heads * d);
            w.add(p + "mlp.gate_proj.weight", normal(rng, inter * h, 1 / Math.sqrt(h)), inter, h);
            w.add(p + "mlp.up_proj.weight", normal(rng, inter * h, 1 / Math.sqrt(h)), inter, h);
            w.add(p + "mlp.down_proj.weight", normal(rng, h * inter, 1 / Math.sqrt(inter)), h, inter);
        }
        try {
            Files.createDirectories(dir);
            Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), c.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        w.write(dir.resolve("model.safetensors"), "F32");
        if (withTokenizer) writeByteTokenizer(dir);
        return dir;
    }

    private static float[] normal(Random rng, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * std);
        return v;
    }

    private static float[] around1(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.5f + rng.nextFloat();
        return v;
    }

    /** GPT-2's byte → printable-character table used by byte-level BPE. */
    static char[] byteChars() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        char[] map = new char[256];
        for (int b : bs) map[b] = (char) b;
        int n = 0;
        for (int b = 0; b < 256; b++) if (!bs.contains(b)) map[b] = (char) (256 + n++);
        return map;
    }

    /** Writes a byte-level BPE tokenizer.json (no merges: one token per byte) and its tokenizer_config.json. */
    public static void writeByteTokenizer(Path dir) {
        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("version", "1.0");
        t.putNull("truncation");
        t.putNull("padding");
        ArrayNode added = t.putArray("added_tokens");
        String[] specials = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
        for (int i = 0; i < specials.length; i++)
            added.addObject().put("id", 256 + i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        t.putNull("normalizer");
        t.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        t.putNull("post_processor");
        t.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = t.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token").putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        char[] chars = byteChars();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(chars[b]), b);
        model.putArray("merges");
        ObjectNode cfg = Json.MAPPER.createObjectNode();
        cfg.put("eos_token", "<|im_end|>").put("pad_token", "<|endoftext|>").put("model_max_length", 1 << 20);
        try {
            Json.MAPPER.writeValue(dir.resolve("tokenizer.json").toFile(), t);
            Json.MAPPER.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
