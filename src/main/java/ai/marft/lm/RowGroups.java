package ai.marft.lm;

import ai.marft.lm.decode.FusedDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small model's batch split into groups of whole rows, each run on its own thread and decoder session.
 * Why: a step of a model of a few MB takes under a millisecond, and handing each of its products to a
 * thread team cost more than it saved (see {@code FusedDecoder.SMALL_WEIGHT_BYTES}), while groups meet
 * once per call. A row's numbers do not depend on its batch, so the results are those of one group.
 */
final class RowGroups {
    /** Fewest rows a thread decodes on its own. */
    static final int MIN_ROWS = 4;
    /** The threads that run the second and later groups (daemons: idle ones end after a minute). */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "marft-decode-rows");
        t.setDaemon(true);
        return t;
    });

    private RowGroups() {}

    /** How many groups {@code rows} rows make at {@code threads} threads: one unless the decoder is small. */
    static int count(FusedDecoder decoder, int threads, int rows) {
        return decoder.small() ? Math.max(1, Math.min(threads, rows / MIN_ROWS)) : 1;
    }

    /** One group's work: batch rows [from, to). */
    interface Part<T> {
        T run(int from, int to);
    }

    /** part.run over {@code groups} contiguous groups of {@code rows} rows, the first on the calling thread; the results in row order. */
    static <T> List<T> run(int groups, int rows, Part<T> part) {
        List<CompletableFuture<T>> later = new ArrayList<>();
        for (int g = 1; g < groups; g++) {
            int from = g * rows / groups, to = (g + 1) * rows / groups;
            later.add(CompletableFuture.supplyAsync(() -> part.run(from, to), THREADS));
        }
        List<T> out = new ArrayList<>(groups);
        out.add(part.run(0, rows / groups));
        for (CompletableFuture<T> f : later) {
            try {
                out.add(f.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw e;
            }
        }
        return out;
    }
}
