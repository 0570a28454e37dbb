package ai.marft.pretrain;

import ai.marft.pretrain.Transcript;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Tokenized transcripts trained together: rows are right-padded to the longest, and the loss covers
 * each row's positions from its prompt length on (the agent's action and end token).
 */
record TokenBatch(List<Transcript.Tokenized> rows) {
    TokenBatch {
        if (rows.isEmpty()) throw new IllegalArgumentException("empty batch");
        rows = List.copyOf(rows);
    }

    /** Longest row: the padded length. */
    int length() {
        return rows.stream().mapToInt(r -> r.ids().length).max().orElseThrow();
    }

    /** Trained tokens (action and end token of every row). */
    int targets() {
        return rows.stream().mapToInt(r -> r.ids().length - r.promptTokens()).sum();
    }

    /**
     * Cuts {@code items} into batches of similar length: sorted by length, each batch as many rows as
     * fit in {@code budget} padded tokens (at least one), then the batches in a seeded random order.
     */
    static List<TokenBatch> byLength(List<Transcript.Tokenized> items, int budget, Random rng) {
        List<Transcript.Tokenized> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingInt(t -> t.ids().length));
        List<TokenBatch> out = new ArrayList<>();
        List<Transcript.Tokenized> current = new ArrayList<>();
        for (Transcript.Tokenized t : sorted) { // ascending: the newest row is the longest
            if (!current.isEmpty() && (long) (current.size() + 1) * t.ids().length > budget) {
                out.add(new TokenBatch(current));
                current = new ArrayList<>();
            }
            current.add(t);
        }
        if (!current.isEmpty()) out.add(new TokenBatch(current));
        Collections.shuffle(out, rng);
        return out;
    }
}
