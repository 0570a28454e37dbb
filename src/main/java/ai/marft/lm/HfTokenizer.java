package ai.marft.lm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (through DJL's Rust binding, never truncated) with the EOS
 * and pad tokens of {@code tokenizer_config.json}, falling back to the model config's ids.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    /** GPT-2's byte ↔ character table, inverted: the byte each of the 256 characters stands for. */
    private static final Map<Character, Byte> BYTE_OF_CHAR = byteOfChar();

    private static Map<Character, Byte> byteOfChar() {
        Map<Character, Byte> m = new HashMap<>();
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            m.put((char) (printable ? b : 256 + n++), (byte) b);
        }
        return m;
    }

    private final HuggingFaceTokenizer tok;
    private final int eos, pad, vocab;
    /** Per id, the bytes the ByteLevel decoder writes for it (null: no such id); null for other decoders. */
    private final byte[][] pieces;
    /** Per id, whether it is a special added token (skipped by {@link #decodeAction}); null with {@code pieces}. */
    private final boolean[] special;

    private HfTokenizer(HuggingFaceTokenizer tok, int eos, int pad, int vocab, byte[][] pieces, boolean[] special) {
        this.tok = tok;
        this.eos = eos;
        this.pad = pad;
        this.vocab = vocab;
        this.pieces = pieces;
        this.special = special;
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
        byte[][] pieces = null;
        boolean[] special = null;
        try {
            tok = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).optMaxLength(1 << 30).build();
            JsonNode j = Json.MAPPER.readTree(file.toFile());
            int max = j.path("model").path("vocab").size() - 1;
            for (JsonNode v : j.path("model").path("vocab")) max = Math.max(max, v.asInt());
            for (JsonNode a : j.path("added_tokens")) max = Math.max(max, a.path("id").asInt());
            vocab = max + 1;
            if ("ByteLevel".equals(j.path("decoder").path("type").asText())) {
                pieces = new byte[vocab][];
                special = new boolean[vocab];
                for (Map.Entry<String, JsonNode> v : j.path("model").path("vocab").properties())
                    pieces[v.getValue().asInt()] = byteLevelPiece(v.getKey());
                for (JsonNode a : j.path("added_tokens")) { // as the decoder writes them: an added token is decoded like any other
                    pieces[a.path("id").asInt()] = byteLevelPiece(a.path("content").asText());
                    special[a.path("id").asInt()] = a.path("special").asBoolean(false);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new InputError(file + ": cannot load tokenizer (" + e.getMessage() + ")", e);
        }
        try {
            Path cfgFile = dir.resolve("tokenizer_config.json");
            JsonNode cfg = Files.exists(cfgFile) ? Json.MAPPER.readTree(cfgFile.toFile()) : Json.MAPPER.createObjectNode();
            HfTokenizer probe = new HfTokenizer(tok, -1, -1, vocab, null, null);
            int eos = probe.special(cfg.path("eos_token"), cfgFile);
            if (eos < 0) eos = fallbackEos;
            if (eos < 0) throw new InputError(cfgFile + ": no eos_token, and config.json has no eos_token_id");
            int pad = probe.special(cfg.path("pad_token"), cfgFile);
            if (pad < 0) pad = fallbackPad >= 0 ? fallbackPad : eos;
            return new HfTokenizer(tok, eos, pad, vocab, pieces, special);
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

    /**
     * Exact for a ByteLevel decoder (GPT-2-style byte-level BPE: Qwen, Llama 3, the embedded models): a
     * token's characters map back to one byte each, or, when one of them is no byte's character (an
     * added token such as {@code <|im_end|>} with a space), the token stands for its own UTF-8 bytes, as
     * the decoder of tokenizers does; bytes of a character split between tokens stay apart. Other
     * decoders: the token decoded alone (the default).
     */
    @Override
    public byte[] tokenBytes(int id, boolean asAction) {
        if (pieces == null) return Tokenizer.super.tokenBytes(id, asAction);
        if (id < 0 || id >= pieces.length || pieces[id] == null) throw new IllegalArgumentException("token id " + id + " is not in " + vocab + " ids");
        return asAction && special[id] ? new byte[0] : pieces[id].clone();
    }

    private static byte[] byteLevelPiece(String token) {
        byte[] out = new byte[token.length()];
        for (int k = 0; k < token.length(); k++) {
            Byte b = BYTE_OF_CHAR.get(token.charAt(k));
            if (b == null) return token.getBytes(StandardCharsets.UTF_8);
            out[k] = b;
        }
        return out;
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
