package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.marft.Json;
import ai.marft.lm.decode.FusedDecoder;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Measures the engine (decode, prefill, LoRA scoring fwd+bwd, memory with many adapters) and the
 * machine's bounds with the same tensor library (fp32 matmul GFLOP/s, memory read GB/s); each
 * figure is reported with its ratio to the bound. Medians over {@code runs}; progress on stderr.
 */
public final class EngineBench {
    private final int runs, scoreRows, scoreLength, microBatch;
    private final boolean decodeOnly;

    public EngineBench(int runs, int scoreRows, int scoreLength, int microBatch, boolean decodeOnly) {
        this.runs = runs;
        this.scoreRows = scoreRows;
        this.scoreLength = scoreLength;
        this.microBatch = microBatch;
        this.decodeOnly = decodeOnly;
    }

    /** Models up to this size also get the 1,000-token allocation and the 200-call RSS figures (seconds there, hours on 0.5B). */
    private static final long SMALL_MODEL_PARAMS = 50_000_000;

    /** The Qwen2.5-0.5B architecture (random weights are drawn by {@link #writeQwenShaped}). */
    public static ModelConfig qwen05bShape() {
        return new ModelConfig("qwen2", 151936, 896, 4864, 24, 14, 2, 64, 1e-6, 1_000_000, true, true, false,
                32768, new int[]{151645, 151643}, 151643);
    }

    /** Writes a random Qwen2.5-0.5B-shaped model (F32) with the tokenizer files of tokenizerDir into dir. */
    public static Path writeQwenShaped(Path dir, Path tokenizerDir) throws IOException {
        long t0 = System.nanoTime();
        progress("building a random Qwen2.5-0.5B-shaped model in " + dir);
        try (CausalLm m = CausalLm.random(qwen05bShape(), 1)) {
            m.save(dir);
        }
        for (String f : new String[]{"tokenizer.json", "tokenizer_config.json"})
            if (Files.exists(tokenizerDir.resolve(f))) Files.copy(tokenizerDir.resolve(f), dir.resolve(f));
        System.gc(); // the writer's float copies: let the heap shrink before memory is measured
        progress(String.format("model written in %.1f s", secs(t0)));
        return dir;
    }

    private static void progress(String s) {
        System.err.println("marft bench engine: " + s);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Runs every measurement on the model in dir and returns the JSON report. */
    public ObjectNode run(Path dir) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode machine = out.putObject("machine");
        long t0 = System.nanoTime();
        // the model first: a bad folder stops the command before the machine's half minute of measuring
        try (LmEngine engine = LmEngine.load(dir)) {
            ModelConfig c = engine.model().config();
            long params = engine.model().parameterCount();
            long embedParams = (long) c.vocabSize() * c.hidden() * (c.tieEmbeddings() ? 1 : 2);
            long blockParams = params - embedParams - c.hidden();
            progress(String.format("loaded %s, %,d parameters, in %.1f s", c, params, secs(t0)));
            double peak = matmulGflops(), bandwidth = memoryReadGbs(), gemv = gemvReadGbs(false);
            machine.put("matmul_gflops", round(peak));
            machine.put("memory_read_gbs", round(bandwidth));
            machine.put("gemv_read_gbs", round(gemv));
            machine.put("library_gemv_read_gbs", round(gemvReadGbs(true)));
            machine.put("cpus", Runtime.getRuntime().availableProcessors());
            machine.put("load_average_at_start", loadAverage());
            machine.put("tensor_threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
            out.put("model", c.toString());
            out.put("parameters", params);
            out.put("weight_bytes", params * 4);
            out.put("runs", runs);

            double bound = bandwidth * 1e9 / (params * 4.0); // every weight byte read once per decode step
            out.put("decode_b1_bound_tokens_per_s", round(bound));
            out.put("decode_b1_bound_ms_per_token", round(1000 / bound));
            out.put("decode_fused", engine.decoder() != null);
            if (engine.decoder() != null) out.put("fused_weights", engine.decoder().packed() ? "packed copy on the heap" : "read in place");
            for (int rows : new int[]{1, 16}) {
                double[] both = decodeBothPaths(engine, rows);
                ObjectNode d = out.putObject("decode_b" + rows);
                putRate(d, "fused", both[0], rows);
                putRate(d, "tensor_path", both[1], rows);
                d.put("fused_vs_tensor_path", round(both[0] / both[1]));
                d.put("fused_ratio_to_bandwidth_bound", round(both[0] / rows / bound));
                if (rows == 1) d.put("tensor_path_ratio_to_gemv_bound", round(both[1] / (gemv * 1e9 / (params * 4.0))));
            }
            out.set("decode_b16_threads", threadsCompare(engine, 16));
            if (engine.decoder() != null && engine.decoder().packed())
                for (int rows : new int[]{1, 16}) out.set("decode_b" + rows + "_weights_in_place", inPlaceCompare(engine, rows));
            if (params <= SMALL_MODEL_PARAMS) {
                out.set("decode_heap_allocation", allocation(engine, 1000));
                out.set("rss_over_200_generates", rssOver(engine, 200));
            }
            out.put("load_average_after_decode", loadAverage());
            if (decodeOnly) return out;

            double prefill = prefill(engine, 256);
            out.put("prefill_tokens_per_s", round(prefill));
            out.put("prefill_ratio_to_matmul_peak", round(prefill * 2.0 * (blockParams + c.hidden()) / 1e9 / peak));

            adapterMemory(engine, out);

            int action = scoreLength / 4;
            double scoreSecs = score(engine, scoreLength - action, action);
            double tokens = (double) scoreRows * scoreLength;
            double flops = 4.0 * blockParams * tokens + 4.0 * c.vocabSize() * c.hidden() * scoreRows * action;
            ObjectNode s = out.putObject("score_fwd_bwd_lora");
            s.put("rows", scoreRows);
            s.put("tokens_per_row", scoreLength);
            s.put("action_tokens_per_row", action);
            s.put("micro_batch_rows", microBatch);
            s.put("seconds", round(scoreSecs));
            s.put("tokens_per_s", round(tokens / scoreSecs));
            s.put("gflops", round(flops / scoreSecs / 1e9));
            s.put("flops_counted", "4 x non-embedding params x tokens + 4 x vocab x hidden x action tokens");
            out.put("score_ratio_to_matmul_peak", round(flops / scoreSecs / 1e9 / peak));
            out.put("peak_rss_mb", ProcessMemory.peakRss() >> 20);
        }
        return out;
    }

    /** The 1-minute load average (other jobs on the machine move every figure; compare ratios within a run). */
    private static double loadAverage() {
        return round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /** fp32 GEMM 2048³ through the engine. */
    private double matmulGflops() {
        int n = 2048;
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n)), b = m.randomUniform(-1, 1, new Shape(n, n));
            a.matMul(b).close();
            double[] g = new double[Math.max(5, runs)];
            for (int i = 0; i < g.length; i++) {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                g[i] = 2.0 * n * n * n / secs(t0) / 1e9;
            }
            progress(String.format("fp32 matmul %d³: %.1f GFLOP/s (median)", n, median(g)));
            return median(g);
        }
    }

    /** Reading a 1 GiB fp32 array once (a full reduction) through the engine. */
    private double memoryReadGbs() {
        long n = 1L << 28;
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray x = m.ones(new Shape(n), DataType.FLOAT32);
            x.sum().close();
            double[] g = new double[Math.max(5, runs)];
            for (int i = 0; i < g.length; i++) {
                long t0 = System.nanoTime();
                x.sum().close();
                g[i] = n * 4.0 / secs(t0) / 1e9;
            }
            progress(String.format("memory read: %.1f GB/s (median)", median(g)));
            return median(g);
        }
    }

    /**
     * A [151936, 896] fp32 matrix times a vector (the batch-1 decode kernel: the LM head's shape), as bytes
     * of the matrix per second: {@code library} through the engine's matmul, else our {@link Gemv}
     * (what decoding uses for one row).
     */
    private double gemvReadGbs(boolean library) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray w = m.randomUniform(-1, 1, new Shape(151936, 896)), x = m.randomUniform(-1, 1, new Shape(896, 1));
            Gemv ours = Gemv.over(w);
            float[] xs = x.toFloatArray();
            boolean viaLibrary = library || ours == null;
            Runnable product = viaLibrary ? () -> w.matMul(x).close() : () -> ours.times(xs);
            product.run();
            double[] g = new double[Math.max(5, runs)];
            for (int i = 0; i < g.length; i++) {
                long t0 = System.nanoTime();
                product.run();
                g[i] = w.getShape().size() * 4.0 / secs(t0) / 1e9;
            }
            progress(String.format("matrix-vector read (%s): %.1f GB/s (median)", viaLibrary ? "library" : "ours", median(g)));
            return median(g);
        }
    }

    private static List<int[]> randomPrompts(int rows, int length, int vocab, long seed) {
        Random r = new Random(seed);
        List<int[]> l = new ArrayList<>();
        for (int b = 0; b < rows; b++) l.add(r.ints(length, 0, Math.min(vocab, 150000)).toArray());
        return l;
    }

    private static void putRate(ObjectNode d, String name, double tokensPerS, int rows) {
        d.put(name + "_tokens_per_s", round(tokensPerS));
        d.put(name + "_ms_per_token", round(1000 / tokensPerS));
        if (rows > 1) d.put(name + "_ms_per_step", round(1000 * rows / tokensPerS)); // a step gives each row one token
    }

    /**
     * Median decode tokens/s of the fused path and of the tensor-library path, runs alternating within one
     * invocation, after one untimed run of each (the JIT compiles each batch size's kernels on first use:
     * without it the first runs of a batch size measured 30-40% slower, 2026-12-01).
     */
    private double[] decodeBothPaths(LmEngine engine, int rows) {
        decodeOnce(engine, rows, runs, true, "fused, warm-up");
        decodeOnce(engine, rows, runs, false, "tensor path, warm-up");
        double[] fused = new double[runs], tensor = new double[runs];
        for (int run = 0; run < runs; run++) {
            fused[run] = decodeOnce(engine, rows, run, true, "fused");
            tensor[run] = decodeOnce(engine, rows, run, false, "tensor path");
        }
        return new double[]{median(fused), median(tensor)};
    }

    /**
     * Fused decode over the packed weights against the same decoder reading them in place (what runs where
     * the heap has no room for the copy), alternating runs after one untimed run of the latter.
     */
    private ObjectNode inPlaceCompare(LmEngine engine, int rows) {
        double[] packed = new double[runs], inPlace = new double[runs];
        try (FusedDecoder reader = new FusedDecoder(engine.model().decodeWeights(), 0)) {
            engine.decoderOverride = reader;
            decodeOnce(engine, rows, runs, true, "fused, weights in place, warm-up");
            for (int run = 0; run < runs; run++) {
                engine.decoderOverride = reader;
                inPlace[run] = decodeOnce(engine, rows, run, true, "fused, weights in place");
                engine.decoderOverride = null;
                packed[run] = decodeOnce(engine, rows, run, true, "fused, packed");
            }
        } finally {
            engine.decoderOverride = null;
        }
        ObjectNode t = Json.MAPPER.createObjectNode();
        putRate(t, "packed", median(packed), rows);
        putRate(t, "in_place", median(inPlace), rows);
        t.put("packed_vs_in_place", round(median(packed) / median(inPlace)));
        return t;
    }

    /**
     * Fused batched generation with two threads against one, alternating runs after one untimed run at two;
     * restores the thread count. Whole generate calls are timed (the prefill of the 32-token prompts
     * included): a small model at two threads decodes two groups of rows on threads of their own, whose
     * steps no observer sees.
     */
    private ObjectNode threadsCompare(LmEngine engine, int rows) {
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        double[] one = new double[runs], two = new double[runs];
        try {
            LmEngine.setThreads(2);
            callOnce(engine, rows, runs, "2 threads, warm-up");
            for (int run = 0; run < runs; run++) {
                LmEngine.setThreads(1);
                one[run] = callOnce(engine, rows, run, "1 thread");
                LmEngine.setThreads(2);
                two[run] = callOnce(engine, rows, run, "2 threads");
            }
        } finally {
            LmEngine.setThreads(before);
        }
        ObjectNode t = Json.MAPPER.createObjectNode();
        putRate(t, "threads_1", median(one), rows);
        putRate(t, "threads_2", median(two), rows);
        t.put("two_vs_one", round(median(two) / median(one)));
        t.put("measured", "whole generate calls: " + rows + " prompts of 32 ids, " + decodeSteps(engine) + " new tokens each");
        return t;
    }

    /** Generated tokens/s of one whole fused generate call (prefill included). */
    private double callOnce(LmEngine engine, int rows, int run, String label) {
        int steps = decodeSteps(engine);
        List<int[]> prompts = randomPrompts(rows, 32, engine.model().config().vocabSize(), run);
        long t0 = System.nanoTime();
        engine.generate(prompts, Collections.nCopies(rows, null), new SamplingParams(steps, 0.7, 50, 1.0), run, false);
        double rate = (double) rows * steps / secs(t0);
        progress(String.format("generate batch %d run %d (fused, %s): %.2f tokens/s", rows, run + 1, label, rate));
        return rate;
    }

    /** Decode steps per timed run: a small model's step takes well under a millisecond, so more of them (one descheduling does not decide a run). */
    private static int decodeSteps(LmEngine engine) {
        return engine.model().parameterCount() <= SMALL_MODEL_PARAMS ? 256 : 32;
    }

    /**
     * Heap bytes the calling thread allocates for one {@code tokens}-token batch-1 generation (EOS ignored)
     * minus those of a 10-token one, per extra token, and the collections the JVM ran during the long one.
     * The 16 bytes a token costs in the result arrays (ids and log-probs, then their trimmed copies) are included.
     */
    private ObjectNode allocation(LmEngine engine, int tokens) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        List<int[]> prompt = randomPrompts(1, 32, engine.model().config().vocabSize(), 9);
        List<String> none = Collections.singletonList(null);
        SamplingParams longRun = new SamplingParams(tokens, 0.7, 50, 1.0), shortRun = new SamplingParams(10, 0.7, 50, 1.0);
        // steady state: the least of 5 tries (until the JIT has compiled the kernels, the interpreter boxes vectors)
        double perToken = Double.MAX_VALUE;
        long gcs = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            long a0 = mx.getThreadAllocatedBytes(id);
            engine.generate(prompt, none, shortRun, 1, false);
            long a1 = mx.getThreadAllocatedBytes(id), gc0 = gcCount();
            engine.generate(prompt, none, longRun, 1, false);
            long a2 = mx.getThreadAllocatedBytes(id);
            double bytes = (double) ((a2 - a1) - (a1 - a0)) / (tokens - 10);
            if (bytes < perToken) {
                perToken = bytes;
                gcs = gcCount() - gc0;
            }
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("tokens", tokens);
        o.put("bytes_per_extra_token", round(perToken));
        // a token's id and its two log-probs (filtered, unfiltered) in the loop's arrays and again in the trimmed copies
        o.put("result_array_bytes_per_token", 2 * (Integer.BYTES + 2 * Float.BYTES));
        o.put("measured", "least of 5 tries of (" + tokens + "-token minus 10-token generation) / " + (tokens - 10));
        o.put("gc_count_during_generation", gcs);
        progress(String.format("heap: %.1f bytes per extra token, %d collections over %d tokens", perToken, gcs, tokens));
        return o;
    }

    private static long gcCount() {
        long n = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionCount());
        return n;
    }

    /** RSS (after GC) before and after {@code calls} generate calls of 4 rows x 16 new tokens. */
    private ObjectNode rssOver(LmEngine engine, int calls) {
        List<int[]> prompts = randomPrompts(4, 24, engine.model().config().vocabSize(), 11);
        List<String> none = Collections.nCopies(4, null);
        SamplingParams sp = new SamplingParams(16, 0.7, 50, 1.0);
        for (int i = 0; i < 20; i++) engine.generate(prompts, none, sp, i);
        long rss0 = settledRss();
        for (int i = 0; i < calls; i++) engine.generate(prompts, none, sp, i);
        long rss1 = settledRss();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("calls", calls);
        o.put("rss_before_mb", round(rss0 / 1048576.0));
        o.put("rss_after_mb", round(rss1 / 1048576.0));
        progress(String.format("RSS over %d generate calls: %.1f -> %.1f MB", calls, rss0 / 1048576.0, rss1 / 1048576.0));
        return o;
    }

    private static long settledRss() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ProcessMemory.rss();
    }

    /** Decode tokens/s over all rows of one run (prefill excluded: timed between the first and last sampled step); EOS ignored. */
    private double decodeOnce(LmEngine engine, int rows, int run, boolean fused, String label) {
        int steps = decodeSteps(engine);
        long[] at = new long[steps];
        int[] seen = {0};
        engine.observer = (step, logits) -> {
            at[step] = System.nanoTime();
            seen[0] = step + 1;
        };
        engine.fused = fused;
        try {
            engine.generate(randomPrompts(rows, 32, engine.model().config().vocabSize(), run), Collections.nCopies(rows, null),
                    new SamplingParams(steps, 0.7, 50, 1.0), run, false);
        } finally {
            engine.observer = null;
            engine.fused = true;
        }
        int last = seen[0] - 1;
        double rate = (double) rows * last / ((at[last] - at[0]) / 1e9);
        progress(String.format("decode batch %d run %d (%s): %.2f tokens/s", rows, run + 1, label, rate));
        return rate;
    }

    /** Prompt tokens/s of a single-row prefill of {@code length} tokens. */
    private double prefill(LmEngine engine, int length) {
        double[] rates = new double[runs];
        for (int run = 0; run < runs; run++) {
            long t0 = System.nanoTime();
            long[] first = {0};
            engine.observer = (step, logits) -> {
                if (step == 0) first[0] = System.nanoTime();
            };
            try {
                engine.generate(randomPrompts(1, length, engine.model().config().vocabSize(), run), Collections.singletonList(null),
                        new SamplingParams(1, 0.7, 50, 1.0), run);
            } finally {
                engine.observer = null;
            }
            rates[run] = length / ((first[0] - t0) / 1e9);
            progress(String.format("prefill %d tokens run %d: %.1f tokens/s", length, run + 1, rates[run]));
        }
        return median(rates);
    }

    /** Seconds for LoRA log-prob + entropy forward and backward over scoreRows × (prompt + action) tokens. */
    private double score(LmEngine engine, int prompt, int action) {
        engine.adapters().create("bench-score", LoraConfig.defaults(), 1);
        List<NDArray> params = engine.adapters().get("bench-score").parameters();
        SamplingParams sp = new SamplingParams(action, 0.7, 50, 1.0);
        int vocab = engine.model().config().vocabSize();
        double[] times = new double[runs];
        for (int run = 0; run < runs; run++) {
            List<int[]> prompts = randomPrompts(scoreRows, prompt, vocab, 100 + run), actions = randomPrompts(scoreRows, action, vocab, 200 + run);
            long t0 = System.nanoTime();
            for (int s = 0; s < scoreRows; s += microBatch) {
                int e = Math.min(scoreRows, s + microBatch);
                try (NDManager m = engine.model().manager().newSubManager();
                     GradScope gc = new GradScope()) {
                    ActionScores sc = engine.scoreActions(m, prompts.subList(s, e), actions.subList(s, e), "bench-score", sp, true);
                    gc.backward(sc.logprobs().mul(sc.mask()).sum().add(Scalars.mul(sc.entropies().mul(sc.mask()).sum(), 0.01)));
                }
            }
            Gradients.zero(params);
            times[run] = secs(t0);
            progress(String.format("score fwd+bwd %dx%d tokens run %d: %.1f s", scoreRows, prompt + action, run + 1, times[run]));
        }
        engine.adapters().remove("bench-score");
        return median(times);
    }

    /** RSS with 1 adapter vs 8 adapters, each after a generate + score touching all of them. */
    private void adapterMemory(LmEngine engine, ObjectNode out) {
        int vocab = engine.model().config().vocabSize();
        List<int[]> prompts = randomPrompts(8, 32, vocab, 7);
        SamplingParams sp = new SamplingParams(8, 0.7, 50, 1.0);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 8; i++) names.add("agent" + i);
        engine.adapters().create(names.getFirst(), LoraConfig.defaults(), 0);
        exercise(engine, prompts, Collections.nCopies(8, names.getFirst()), sp);
        long rss1 = ProcessMemory.rss(), bytes1 = engine.adapters().bytes();
        for (int i = 1; i < 8; i++) engine.adapters().create(names.get(i), LoraConfig.defaults(), i);
        exercise(engine, prompts, names, sp);
        long rss8 = ProcessMemory.rss(), added = engine.adapters().bytes() - bytes1;
        ObjectNode a = out.putObject("adapters_memory");
        a.put("rss_1_adapter_mb", rss1 >> 20);
        a.put("rss_8_adapters_mb", rss8 >> 20);
        a.put("added_adapter_bytes", added);
        a.put("excess_ratio", round((rss8 - rss1 - added) / (double) rss1));
        a.put("limit", "rss_8 <= rss_1 * 1.05 + added adapter bytes");
        progress(String.format("RSS 1 adapter %d MB, 8 adapters %d MB (+%d KB of adapters)", rss1 >> 20, rss8 >> 20, added >> 10));
        for (String n : names) engine.adapters().remove(n);
    }

    private static void exercise(LmEngine engine, List<int[]> prompts, List<String> adapters, SamplingParams sp) {
        List<Generation> gens = engine.generate(prompts, adapters, sp, 1);
        for (String name : new java.util.LinkedHashSet<>(adapters))
            try (NDManager m = engine.model().manager().newSubManager();
                 GradScope gc = new GradScope()) {
                ActionScores sc = engine.scoreActions(m, prompts.subList(0, 2), List.of(gens.get(0).tokens(), gens.get(1).tokens()), name, sp, true);
                gc.backward(sc.logprobs().mul(sc.mask()).sum());
            }
    }
}
