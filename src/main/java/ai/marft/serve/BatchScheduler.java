package ai.marft.serve;

import ai.marft.lm.RowSeededGenerator;

import ai.marft.InputError;
import ai.marft.lm.Generation;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that touches the engine. Requests arriving together are decoded together: it takes
 * the first pending job, waits a short while for more, and runs every unseeded job with the same
 * temperature / top-k / top-p (up to {@code maxBatch} rows, each row with its own adapter) as one
 * generate call at the longest max_tokens, each row cut back to its own. A job with a seed runs as its
 * own batch (chunks of {@code maxBatch} rows seeded through {@link RowSeeds}), so its tokens equal the
 * local engine's {@code generate(rows, adapters, params, seed)}: the engine seeds the whole batch, so a
 * seeded row cannot share a batch with rows of other seeds. An engine that seeds rows apart
 * ({@link RowSeededGenerator}) lifts that: seeded jobs then join batches too, row k of a job with seed
 * S seeded {@code RowSeeds.streamSeed(S, k)}. Adapter loads and other engine work run here too
 * ({@link #call}), between batches.
 */
public final class BatchScheduler implements TextGenerator, AutoCloseable {
    /** Rows to continue, one adapter name per row (null: base), a seed or null for "any". */
    public record Job(List<int[]> prompts, List<String> adapters, SamplingParams params, Long seed,
                      CompletableFuture<List<Generation>> result) {
        int rows() {
            return prompts.size();
        }

        boolean samplesLike(Job o) {
            return params.temperature() == o.params.temperature() && params.topK() == o.params.topK() && params.topP() == o.params.topP();
        }
    }

    private record Task(Callable<?> body, CompletableFuture<Object> result) {}

    private static final Object STOP = new Object();

    private final TextGenerator engine;
    private final RowSeededGenerator rowSeeded; // null when the engine seeds whole batches only
    private final int maxBatch;
    private final long waitNanos;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Deque<Object> deferred = new ArrayDeque<>(); // taken from the queue but not fitting the last batch
    private final Random batchSeeds = new Random();
    private final Thread thread;
    private volatile long batches, rowsDecoded;

    /**
     * @param maxBatch most rows per generate call
     * @param waitMicros how long the first job of a batch waits for others
     */
    public BatchScheduler(TextGenerator engine, int maxBatch, long waitMicros) {
        if (maxBatch < 1) throw new InputError("--max-batch must be >= 1, got " + maxBatch);
        this.engine = engine;
        this.rowSeeded = engine instanceof RowSeededGenerator r ? r : null;
        this.maxBatch = maxBatch;
        this.waitNanos = TimeUnit.MICROSECONDS.toNanos(waitMicros);
        this.thread = Thread.ofPlatform().name("marft-serve-scheduler").daemon().start(this::loop);
    }

    /** Queues rows; the future completes with one generation per row, in order. */
    public CompletableFuture<List<Generation>> submit(List<int[]> prompts, List<String> adapters, SamplingParams params, Long seed) {
        if (prompts.size() != adapters.size()) throw new IllegalArgumentException(prompts.size() + " prompts but " + adapters.size() + " adapters");
        CompletableFuture<List<Generation>> f = new CompletableFuture<>();
        if (prompts.isEmpty()) f.complete(List.of());
        else queue.add(new Job(List.copyOf(prompts), new ArrayList<>(adapters), params, seed, f));
        return f;
    }

    /** Runs {@code body} on the scheduler thread between batches (adapter loads, removals) and waits for it. */
    @SuppressWarnings("unchecked")
    public <T> T call(Callable<T> body) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        queue.add(new Task(body, f));
        return (T) await(f);
    }

    /** Blocking, seeded generation through the queue (the team model's agents use it). */
    @Override
    public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
        return await(submit(prompts, adapters, params, seed));
    }

    @Override
    public Tokenizer tokenizer() {
        return engine.tokenizer();
    }

    /** Generate calls made so far. */
    public long batches() {
        return batches;
    }

    /** Rows decoded so far. */
    public long rowsDecoded() {
        return rowsDecoded;
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private void loop() {
        while (true) {
            Object first;
            try {
                first = deferred.isEmpty() ? queue.take() : deferred.poll();
            } catch (InterruptedException e) {
                return;
            }
            if (first == STOP) return;
            if (first instanceof Task t) runTask(t);
            else if (first instanceof Job j && j.seed() != null && rowSeeded == null) runSeeded(j);
            else gatherAndRun((Job) first);
        }
    }

    private static void runTask(Task t) {
        try {
            t.result().complete(t.body().call());
        } catch (Throwable e) {
            t.result().completeExceptionally(e);
        }
    }

    private void runSeeded(Job j) {
        try {
            List<Generation> out = new ArrayList<>();
            for (int from = 0; from < j.rows(); from += maxBatch) {
                int to = Math.min(j.rows(), from + maxBatch);
                out.addAll(decode(j.prompts().subList(from, to), j.adapters().subList(from, to), j.params(), RowSeeds.streamSeed(j.seed(), from)));
            }
            j.result().complete(out);
        } catch (Throwable e) {
            j.result().completeExceptionally(e);
        }
    }

    /** Gathers jobs that can share a batch and sample like {@code first} for up to the wait, then decodes them in one call. */
    private void gatherAndRun(Job first) {
        List<Job> batch = new ArrayList<>(List.of(first));
        int rows = first.rows();
        long deadline = System.nanoTime() + waitNanos;
        List<Object> skipped = new ArrayList<>();
        while (rows < maxBatch) {
            Object next;
            if (!deferred.isEmpty()) next = deferred.poll();
            else {
                long left = deadline - System.nanoTime();
                try {
                    next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (next == null) break;
            if (next instanceof Job j && (j.seed() == null || rowSeeded != null) && j.samplesLike(first) && rows + j.rows() <= maxBatch) {
                batch.add(j);
                rows += j.rows();
            } else {
                skipped.add(next);
                if (next == STOP || next instanceof Task) break; // keep order with engine work and shutdown
            }
        }
        for (int i = skipped.size() - 1; i >= 0; i--) deferred.addFirst(skipped.get(i));
        try {
            runTogether(batch);
        } catch (InputError e) {
            // one job's bad input (e.g. an adapter unloaded meanwhile) must not fail the others: run them apart
            if (batch.size() == 1) batch.getFirst().result().completeExceptionally(e);
            else for (Job j : batch) {
                try {
                    runTogether(List.of(j));
                } catch (Throwable e2) {
                    j.result().completeExceptionally(e2);
                }
            }
        } catch (Throwable e) {
            for (Job j : batch) j.result().completeExceptionally(e);
        }
    }

    /** One generate call per maxBatch rows at the longest max_tokens; each job's rows cut back to its own. */
    private void runTogether(List<Job> jobs) {
        List<int[]> prompts = new ArrayList<>();
        List<String> adapters = new ArrayList<>();
        int longest = 0;
        for (Job j : jobs) {
            prompts.addAll(j.prompts());
            adapters.addAll(j.adapters());
            longest = Math.max(longest, j.params().maxNewTokens());
        }
        SamplingParams p = jobs.getFirst().params();
        SamplingParams params = new SamplingParams(longest, p.temperature(), p.topK(), p.topP());
        long[] rowSeeds = rowSeeded == null ? null : new long[prompts.size()];
        if (rowSeeds != null) {
            int row = 0;
            for (Job j : jobs)
                for (int k = 0; k < j.rows(); k++) rowSeeds[row++] = j.seed() == null ? batchSeeds.nextLong() : RowSeeds.streamSeed(j.seed(), k);
        }
        List<Generation> all = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += maxBatch) {
            int to = Math.min(prompts.size(), from + maxBatch);
            List<int[]> chunk = prompts.subList(from, to);
            List<String> chunkAdapters = adapters.subList(from, to);
            all.addAll(rowSeeds == null ? engine.generate(chunk, chunkAdapters, params, batchSeeds.nextLong())
                    : rowSeeded.generate(chunk, chunkAdapters, params, Arrays.copyOfRange(rowSeeds, from, to)));
            batches++;
            rowsDecoded += chunk.size();
        }
        int row = 0;
        for (Job j : jobs) {
            List<Generation> mine = new ArrayList<>();
            for (int r = 0; r < j.rows(); r++) mine.add(cut(all.get(row++), j.params().maxNewTokens()));
            j.result().complete(mine);
        }
    }

    private List<Generation> decode(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
        List<Generation> g = engine.generate(prompts, adapters, params, seed);
        batches++;
        rowsDecoded += prompts.size();
        return g;
    }

    /** The first {@code max} tokens of a row decoded with a longer budget: what it draws alone (its own RNG). */
    private static Generation cut(Generation g, int max) {
        if (g.tokens().length <= max) return g;
        return new Generation(Arrays.copyOf(g.tokens(), max), Arrays.copyOf(g.logprobs(), max), false);
    }

    /** Stops after the work already queued. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
