package ai.marft.mas;

import ai.marft.lm.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Test tokenizer: one id per UTF-16 char (id = 3 + shift + char), plus three special tokens recognised in text. */
public final class CharTokenizer implements Tokenizer {
    public static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    public static final int EOS = 0;
    private final int first;

    public CharTokenizer() {
        this(0);
    }

    /** A tokenizer whose character ids are shifted by {@code shift}: another base's vocabulary. */
    public CharTokenizer(int shift) {
        this.first = 3 + shift;
    }

    @Override
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        int at = 0;
        outer:
        while (at < text.length()) {
            for (int s = 0; s < SPECIALS.size(); s++)
                if (text.startsWith(SPECIALS.get(s), at)) { ids.add(s); at += SPECIALS.get(s).length(); continue outer; }
            ids.add(first + text.charAt(at++));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id < 3) sb.append(SPECIALS.get(id));
            else sb.append((char) (id - first));
        }
        return sb.toString();
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int padId() {
        return EOS;
    }

    @Override
    public int vocabSize() {
        return first + 65536;
    }
}
