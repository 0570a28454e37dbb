package ai.marft.pretrain;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a small byte-level BPE tokenizer for the arith task, in the Hugging Face
 * {@code tokenizer.json} format (the Qwen layout: Split regex then ByteLevel, BPE model, ByteLevel
 * decoder), so decode reproduces any text exactly. Ids: 0 {@code <|endoftext|>} (pad),
 * 1 {@code <|im_start|>}, 2 {@code <|im_end|>} (eos), then the 256 byte symbols, then the merges
 * learned from a corpus. The split regex isolates every digit (with at most one space before it), so
 * no token holds two digits; words of the prompts become one token each after training.
 */
public final class ArithTokenizer {
    public static final String PAD = "<|endoftext|>";
    public static final String START = "<|im_start|>";
    public static final String END = "<|im_end|>";
    public static final List<String> SPECIALS = List.of(PAD, START, END);

    /** Pre-tokenizer pattern (Oniguruma in HF, java.util.regex in training; they agree on ASCII text). */
    static final String SPLIT_REGEX = " ?\\\\boxed\\{| ?\\p{L}+| ?\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final Pattern SPLIT = Pattern.compile(SPLIT_REGEX, Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPECIAL = Pattern.compile(String.join("|", SPECIALS.stream().map(Pattern::quote).toList()));
    private static final char[] BYTE_CHAR = byteToChar();

    private final List<String[]> merges;

    private ArithTokenizer(List<String[]> merges) {
        this.merges = List.copyOf(merges);
    }

    /**
     * Learns merges from {@code texts} (e.g. teacher transcripts of every team that will use the
     * model): repeatedly merges the most frequent adjacent pair (ties: smallest pair in string order)
     * until the vocabulary has {@code maxVocab} entries or no pair occurs twice.
     */
    public static ArithTokenizer train(Iterable<String> texts, int maxVocab) {
        if (maxVocab < SPECIALS.size() + 256) throw new IllegalArgumentException("maxVocab must be >= 259, got " + maxVocab);
        Map<String, Long> pieceCounts = new HashMap<>();
        for (String text : texts) for (String piece : preTokenize(text)) pieceCounts.merge(piece, 1L, Long::sum);
        List<List<String>> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        pieceCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(en -> {
            List<String> symbols = new ArrayList<>();
            for (char c : toByteChars(en.getKey()).toCharArray()) symbols.add(String.valueOf(c));
            words.add(symbols);
            counts.add(en.getValue());
        });
        List<String[]> merges = new ArrayList<>();
        while (SPECIALS.size() + 256 + merges.size() < maxVocab) {
            Map<String, Long> pairs = new HashMap<>(); // key: left + '\u0000' + right
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) pairs.merge(s.get(i) + '\u0000' + s.get(i + 1), counts.get(w), Long::sum);
            }
            String best = null;
            long bestCount = 1;
            for (Map.Entry<String, Long> p : pairs.entrySet())
                if (p.getValue() > bestCount || (p.getValue() == bestCount && best != null && p.getKey().compareTo(best) < 0)) {
                    best = p.getKey();
                    bestCount = p.getValue();
                }
            if (best == null) break; // no pair occurs twice
            String[] pair = best.split("\u0000", 2);
            merges.add(pair);
            for (List<String> s : words) mergeIn(s, pair[0], pair[1]);
        }
        return new ArithTokenizer(merges);
    }

    private static void mergeIn(List<String> symbols, String left, String right) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
            if (symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                symbols.set(i, left + right);
                symbols.remove(i + 1);
            }
        }
    }

    /** Pieces as the HF pre-tokenizer cuts them: special tokens removed, then the split regex. */
    static List<String> preTokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String segment : SPECIAL.split(text)) {
            Matcher m = SPLIT.matcher(segment);
            int at = 0;
            while (m.find()) {
                if (m.start() > at) out.add(segment.substring(at, m.start()));
                out.add(m.group());
                at = m.end();
            }
            if (at < segment.length()) out.add(segment.substring(at));
        }
        return out;
    }

    /** Number of ids. */
    public int vocabSize() {
        return SPECIALS.size() + 256 + merges.size();
    }

    /** Token string (byte-level symbols) to id, in id order. */
    public Map<String, Integer> vocab() {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (String s : SPECIALS) v.put(s, v.size());
        for (char c : BYTE_CHAR) v.put(String.valueOf(c), v.size());
        for (String[] m : merges) v.put(m[0] + m[1], v.size());
        return Collections.unmodifiableMap(v);
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if needed). */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson());
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), configJson());
        } catch (IOException e) {
            throw new InputError("tokenizer folder " + dir + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private ObjectNode tokenizerJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.size(); i++) added.add(specialToken(i).put("id", i));
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        ObjectNode split = pres.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", SPLIT_REGEX);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        pres.add(byteLevel());
        root.putNull("post_processor");
        root.set("decoder", byteLevel());
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        vocab().forEach(vocab::put);
        ArrayNode ms = model.putArray("merges");
        for (String[] m : merges) ms.addArray().add(m[0]).add(m[1]);
        return root;
    }

    private static ObjectNode specialToken(int id) {
        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("content", SPECIALS.get(id));
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    private static ObjectNode byteLevel() {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("type", "ByteLevel");
        b.put("add_prefix_space", false);
        b.put("trim_offsets", false);
        b.put("use_regex", false);
        return b;
    }

    private static ObjectNode configJson() {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("add_bos_token", false);
        c.put("add_prefix_space", false);
        c.putNull("bos_token");
        c.put("eos_token", END);
        c.put("pad_token", PAD);
        c.putNull("unk_token");
        c.putArray("additional_special_tokens").add(START).add(END);
        c.put("clean_up_tokenization_spaces", false);
        c.put("model_max_length", 4096);
        ObjectNode dec = c.putObject("added_tokens_decoder");
        for (int i = 0; i < SPECIALS.size(); i++) dec.set(Integer.toString(i), specialToken(i));
        return c;
    }

    /** GPT-2's reversible byte to printable-character table (bytes that print stay themselves). */
    private static char[] byteToChar() {
        char[] table = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char) b : (char) (256 + extra++);
        }
        return table;
    }

    static String toByteChars(String piece) {
        StringBuilder sb = new StringBuilder();
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) sb.append(BYTE_CHAR[b & 0xFF]);
        return sb.toString();
    }
}
