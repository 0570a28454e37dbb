package ai.marft.lm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Hugging Face {@code tokenizer.json} (through DJL's Rust binding, never truncated) with the EOS
 * and pad tokens of {@code tokenizer_config.json}, falling back to the model config's ids.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private final HuggingFaceTokenizer tok;
    private final int eos, pad, vocab;

    private HfTokenizer(HuggingFaceTokenizer tok, int eos, int pad, int vocab) {
        this.tok = tok;
        this.eos = eos;
        this.pad = pad;
        this.vocab = vocab;
    }

    /** True when {@code dir} holds a tokenizer.json. */
    public static boolean present(Path dir) {
        return Files.exists(dir.resolve("tokenizer.json"));
    }

    /**
     * Loads {@code dir/tokenizer.json} (+ tokenizer_config.json when present). {@code fallbackEos} /
     * {@code fallbackPad} (e.g. from config.json; -1 for none) are used when the tokenizer config names none.
     */
    public static HfTokenizer load(Path dir, int fallbackEos, int fallbackPad) {
        Path file = dir.resolve("tokenizer.json");
        HuggingFaceTokenizer tok;
        int vocab;
        try {
            tok = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).optMaxLength(1 << 30).build();
            JsonNode j = Json.MAPPER.readTree(file.toFile());
            int max = j.path("model").path("vocab").size() - 1;
            for (JsonNode v : j.path("model").path("vocab")) max = Math.max(max, v.asInt());
            for (JsonNode a : j.path("added_tokens")) max = Math.max(max, a.path("id").asInt());
            vocab = max + 1;
        } catch (IOException | RuntimeException e) {
            throw new InputError(file + ": cannot load tokenizer (" + e.getMessage() + ")", e);
        }
        try {
            Path cfgFile = dir.resolve("tokenizer_config.json");
            JsonNode cfg = Files.exists(cfgFile) ? Json.MAPPER.readTree(cfgFile.toFile()) : Json.MAPPER.createObjectNode();
            HfTokenizer probe = new HfTokenizer(tok, -1, -1, vocab);
            int eos = probe.special(cfg.path("eos_token"), cfgFile);
            if (eos < 0) eos = fallbackEos;
            if (eos < 0) throw new InputError(cfgFile + ": no eos_token, and config.json has no eos_token_id");
            int pad = probe.special(cfg.path("pad_token"), cfgFile);
            if (pad < 0) pad = fallbackPad >= 0 ? fallbackPad : eos;
            return new HfTokenizer(tok, eos, pad, vocab);
        } catch (IOException e) {
            tok.close();
            throw new InputError(dir.resolve("tokenizer_config.json") + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    /** Id of a special token given as a string or {"content": ...}; -1 when absent. */
    private int special(JsonNode node, Path where) {
        String text = node.isTextual() ? node.asText() : node.path("content").asText(null);
        if (text == null || text.isEmpty()) return -1;
        int[] ids = encode(text);
        if (ids.length != 1) throw new InputError(where + ": special token '" + text + "' is not a single token of tokenizer.json (got " + Arrays.toString(ids) + ")");
        return ids[0];
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tok.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    @Override
    public int[] encodePrompt(String text) {
        long[] ids = tok.encode(text, true, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    @Override
    public String decodeAction(int[] ids) {
        return tok.decode(Arrays.stream(ids).asLongStream().toArray(), true);
    }

    @Override
    public String decode(int[] ids) {
        return tok.decode(Arrays.stream(ids).asLongStream().toArray(), false);
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public void close() {
        tok.close();
    }
}
