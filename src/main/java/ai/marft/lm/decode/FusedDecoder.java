package ai.marft.lm.decode;

import ai.marft.lm.LoraTarget;
import ai.marft.lm.ModelConfig;

import java.lang.foreign.MemorySegment;

/**
 * The no-gradient forward of a Llama / Qwen2 model for generation and for the frozen base's features,
 * in plain Java: the products' weights packed on the heap (or read in place, {@link DecodeWeights}, where
 * the heap has no room), Vector-API kernels ({@link Kernels}),
 * a KV cache of float arrays we own, rows of a batch each with their own LoRA adapter ({@link RowLora}),
 * work split over a team of threads ({@link Workers}). Same semantics as {@code CausalLm.forward}: HF
 * RMSNorm, RoPE in the half-rotation layout, grouped-query attention, SwiGLU. Each row keeps its tokens
 * at slots 0, 1, ... (its own positions), so left padding costs nothing: a padded slot of the tensor path
 * is masked to an exact zero weight, and skipping it gives the same numbers.
 * <p>
 * Why our own and not a Java inference library: Jlama (com.github.tjake:jlama-core, the maintained
 * Vector-API engine) generates one prompt per call from its own model loader, samples by temperature
 * only (no top-k/top-p, no log-prob of the drawn token) and has no LoRA at all, let alone a different
 * adapter per row of a batch; the training side needs all of that over the weights DJL already holds.
 */
public final class FusedDecoder implements AutoCloseable {
    /** Tokens run through the layers at once (prefill chunks; decode steps of more rows go in turns). */
    public static final int CHUNK = 64;
    /** Below this many multiply-adds a product runs on the calling thread (a dispatch costs a few µs). */
    private static final long PARALLEL_MACS = 1L << 18;
    /**
     * A model whose every weight takes at most this many bytes (a model of a few MB, like the embedded
     * ones) decodes on one thread whatever the session asks. Measured (2026-12-02, `marft bench engine
     * --model models/tiny-arith --decode-only`, a host with about one core busy from outside): once its
     * products ran on transposed heap copies (the packed kernel's forerunner), the thread team made batch-16 decode 0.64-0.89x of one thread (the
     * prefill chunks still split, and a helper descheduled mid-chunk stalls the step), while one worker at
     * either thread count measured 1.01-1.03x. The Qwen2.5-0.5B shape gains from a second thread (1.5-1.7x).
     */
    static final long SMALL_WEIGHT_BYTES = 512L << 10;

    final DecodeWeights w;
    final ModelConfig c;
    final int hidden, qd, kd, qkvWidth, inter, vocab, headDim, heads, kvHeads, groups;
    private final float[] invFreq;
    /**
     * Per layer: packed heap copies ({@link Kernels#pack}) of q|k|v, o, gate|up, down, and the LM head's;
     * all null when the copies would not fit the heap (then every product reads its weight in place with
     * {@link Kernels#matmul}; a row's numbers then differ from the packed ones in the last bits, and do not
     * depend on its batch either way). The copy doubles the frozen weights' memory (PyTorch keeps its own
     * for training) for 1.2-2.3x faster batched products on the Qwen2.5-0.5B shape (see {@link Kernels#matmulPacked}).
     */
    private final float[][][] layerP;
    private final float[] lmHeadP;
    private final boolean packed, small;
    private Workers workers = new Workers(1);
    private final java.util.ArrayDeque<Session> spares = new java.util.ArrayDeque<>(); // closed sessions kept for reuse (one per concurrent caller)
    private static final int MAX_SPARES = 4;

    /** A decoder that packs the weights when their copy takes at most half the heap that is free now (see {@link #layerP}). */
    public FusedDecoder(DecodeWeights w) {
        this(w, freeHeap() / 2);
    }

    /** A decoder that packs the weights when their copy takes at most {@code packBudgetBytes}, else reads them in place (saying so on stderr unless the budget is 0). */
    public FusedDecoder(DecodeWeights w, long packBudgetBytes) {
        this.w = w;
        this.c = w.config();
        hidden = c.hidden();
        headDim = c.headDim();
        heads = c.heads();
        kvHeads = c.kvHeads();
        groups = c.groups();
        qd = heads * headDim;
        kd = kvHeads * headDim;
        qkvWidth = qd + 2 * kd;
        inter = c.intermediate();
        vocab = c.vocabSize();
        invFreq = new float[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) invFreq[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / headDim));
        DecodeWeights.Layer[] lw = w.layers();
        long[] sizes = {(long) qkvWidth * hidden, (long) hidden * qd, 2L * inter * hidden, (long) hidden * inter, (long) vocab * hidden}; // floats
        long floats = lw.length * (sizes[0] + sizes[1] + sizes[2] + sizes[3]) + sizes[4], largest = 0;
        for (long n : sizes) largest = Math.max(largest, n);
        small = largest * Float.BYTES <= SMALL_WEIGHT_BYTES;
        boolean pack = packed = floats * Float.BYTES <= packBudgetBytes;
        if (!pack && packBudgetBytes > 0)
            System.err.printf("marft: the decoder reads the weights in place: their packed copy (%s) is over its budget (%s, half the free heap); "
                    + "a larger -Xmx in MARFT_JVM_OPTS makes batched decoding faster (docs/engine.md)%n", size(floats * Float.BYTES), size(packBudgetBytes));
        layerP = new float[lw.length][][];
        for (int l = 0; l < lw.length; l++)
            layerP[l] = pack ? new float[][]{Kernels.pack(lw[l].qkv(), qkvWidth, hidden), Kernels.pack(lw[l].o(), hidden, qd),
                    Kernels.pack(lw[l].gateUp(), 2 * inter, hidden), Kernels.pack(lw[l].down(), hidden, inter)} : new float[4][];
        lmHeadP = pack ? Kernels.pack(w.lmHead(), vocab, hidden) : null;
    }

    private static String size(long bytes) {
        return bytes >= 1e9 ? String.format("%.1f GB", bytes / 1e9) : String.format("%.1f MB", bytes / 1e6);
    }

    /** Bytes the heap can still grow by: its maximum less what is in use. */
    private static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Whether every weight takes at most {@link #SMALL_WEIGHT_BYTES}: the products then run on one thread,
     * and a batch is split by rows over the threads instead ({@code RowGroups}).
     */
    public boolean small() {
        return small;
    }

    /** Whether the products run over packed copies (else over the weights in place). */
    public boolean packed() {
        return packed;
    }

    /** log Σ_i e^z[i] for i &lt; n, given z's largest value {@code max} (the kernels' vector exp; tmp holds n floats). */
    public static double logSumExp(float[] z, int n, float max, float[] tmp) {
        return max + Math.log(Kernels.sumExp(z, n, max, tmp));
    }

    public ModelConfig config() {
        return c;
    }

    /** Whether a KV cache of rows x capacity tokens fits the session's one array per layer (else use the tensor path). */
    public boolean fits(int rows, int capacity) {
        return (long) rows * kvHeads * capacity * headDim <= Integer.MAX_VALUE - 16;
    }

    /**
     * A session for {@code rows} batch rows of up to {@code capacity} tokens each, with {@code threads}
     * kernel threads. A closed session's buffers are reused when they are large enough (no allocation
     * per call once warm; several sessions may be open at once, one per thread decoding a group of rows).
     * Close it to hand the buffers back.
     */
    public synchronized Session open(int rows, int capacity, RowLora lora, int threads) {
        if (small) threads = 1; // see SMALL_WEIGHT_BYTES
        if (threads != workers.threads()) {
            workers.close();
            workers = new Workers(threads);
        }
        Session s = null;
        for (Session c : spares)
            if (c.rows >= rows && c.capacity >= capacity) {
                s = c;
                break;
            }
        if (s != null) spares.remove(s);
        else {
            Session old = spares.pollFirst(); // too small: replaced by one large enough for both
            s = new Session(Math.max(rows, old == null ? 0 : old.rows), capacity);
        }
        s.lora = lora;
        if (s.loraTmp.length < lora.maxRank()) s.loraTmp = new float[lora.maxRank()];
        s.workers = workers;
        s.ensureScores();
        return s;
    }

    @Override
    public synchronized void close() {
        workers.close();
    }

    /** KV cache and scratch buffers for one batch; see {@link #forward}. */
    public final class Session implements AutoCloseable {
        final int rows, capacity;
        private final float[][] keys, values;   // per layer: keys [rows, kvHeads, headDim, capacity] (transposed), values [rows, kvHeads, capacity, headDim]
        private final float[] cos, sin;         // [capacity, headDim / 2]
        private final float[] x, h, qkv, ctx, out, gateUp, act, normed;
        private float[] loraTmp;
        private float[][] scores;               // per worker [capacity]
        private float[][] lanes;                // per worker: the kernels' reduction scratch
        private RowLora lora;
        private Workers workers;
        private final int[] row = new int[CHUNK], pos = new int[CHUNK];
        private int n;
        private final MatmulTask matmul = new MatmulTask();
        private final AttentionTask attention = new AttentionTask();

        private Session(int rows, int capacity) {
            this.rows = rows;
            this.capacity = capacity;
            int layers = c.layers();
            keys = new float[layers][];
            values = new float[layers][];
            long cacheFloats = (long) rows * kvHeads * capacity * headDim;
            if (cacheFloats > Integer.MAX_VALUE - 16)
                throw new IllegalArgumentException(rows + " rows x " + capacity + " tokens do not fit one KV array per layer");
            for (int l = 0; l < layers; l++) {
                keys[l] = new float[(int) cacheFloats];
                values[l] = new float[(int) cacheFloats];
            }
            int half = headDim / 2;
            cos = new float[capacity * half];
            sin = new float[capacity * half];
            for (int p = 0; p < capacity; p++)
                for (int i = 0; i < half; i++) {
                    float angle = (float) p * invFreq[i]; // float product, as positions · inv_freq on the tensors
                    cos[p * half + i] = (float) Math.cos(angle);
                    sin[p * half + i] = (float) Math.sin(angle);
                }
            x = new float[CHUNK * hidden];
            h = new float[CHUNK * hidden];
            normed = new float[CHUNK * hidden];
            qkv = new float[CHUNK * qkvWidth];
            ctx = new float[CHUNK * qd];
            out = new float[CHUNK * hidden];
            gateUp = new float[CHUNK * 2 * inter];
            act = new float[CHUNK * inter];
            loraTmp = new float[64];
        }

        public int capacity() {
            return capacity;
        }

        /**
         * Runs {@code count} tokens (at most {@link #CHUNK}): token i of batch row {@code rowOf[i]} at
         * position {@code posOf[i]} (its slot in that row's cache) with id {@code ids[i]}. Writes their keys
         * and values, attends each over its row's slots [0, position], and leaves the final hidden states
         * (after the last RMSNorm) in {@link #hidden()} rows 0..count-1. Positions of one row must be
         * given in order, earlier ones in this or an earlier call.
         */
        public void forward(int count, int[] rowOf, int[] posOf, int[] ids) {
            if (count > CHUNK) throw new IllegalArgumentException(count + " tokens in one forward (at most " + CHUNK + ")");
            n = count;
            for (int i = 0; i < n; i++) {
                if (rowOf[i] >= rows || posOf[i] >= capacity) throw new IllegalArgumentException("row " + rowOf[i] + " position " + posOf[i] + " is outside the session");
                row[i] = rowOf[i];
                pos[i] = posOf[i];
                Kernels.copy(w.embed(), (long) ids[i] * hidden, x, i * hidden, hidden);
            }
            for (int l = 0; l < c.layers(); l++) layer(l);
            for (int i = 0; i < n; i++) Kernels.rmsNorm(x, i * hidden, w.finalNorm(), normed, i * hidden, hidden, c.rmsNormEps());
        }

        /** Final hidden states [count, hidden] of the last {@link #forward}. */
        public float[] hidden() {
            return normed;
        }

        /** logits[outOff + r·vocab + v] for rows r < count of {@code hiddenRows} [count, hidden] (the LM head, split over the threads). */
        public void logits(float[] hiddenRows, int hOff, int count, float[] logits, int outOff) {
            matmul(w.lmHead(), lmHeadP, hidden, hiddenRows, hOff, count, logits, outOff, vocab, vocab);
        }

        private void ensureScores() {
            int parts = workers.threads();
            if (scores == null || scores.length < parts) {
                scores = new float[parts][capacity];
                lanes = new float[parts][Kernels.SCRATCH];
            }
        }

        private void layer(int l) {
            DecodeWeights.Layer lw = w.layers()[l];
            float[][] t = layerP[l];
            double eps = c.rmsNormEps();
            for (int i = 0; i < n; i++) Kernels.rmsNorm(x, i * hidden, lw.inNorm(), h, i * hidden, hidden, eps);
            matmul(lw.qkv(), t[0], hidden, h, 0, n, qkv, 0, qkvWidth, qkvWidth);
            for (int i = 0; i < n; i++) {
                int at = i * qkvWidth, k = lora.adapterOf(row[i]);
                if (lw.qkvBias() != null) Kernels.addBias(qkv, at, lw.qkvBias(), qkvWidth);
                lora.apply(k, l, LoraTarget.Q, h, i * hidden, hidden, qkv, at, qd, loraTmp, lanes[0]);
                lora.apply(k, l, LoraTarget.K, h, i * hidden, hidden, qkv, at + qd, kd, loraTmp, lanes[0]);
                lora.apply(k, l, LoraTarget.V, h, i * hidden, hidden, qkv, at + qd + kd, kd, loraTmp, lanes[0]);
                rope(qkv, at, heads, pos[i], (float) (1.0 / Math.sqrt(headDim)));
                rope(qkv, at + qd, kvHeads, pos[i], 1f);
                storeKv(l, i);
            }
            attention.layer = l;
            long macs = 0;
            for (int i = 0; i < n; i++) macs += (long) (pos[i] + 1) * qd * 2;
            if (macs >= PARALLEL_MACS && workers.threads() > 1) workers.run(attention);
            else attention.run(0, 1, 0);
            matmul(lw.o(), t[1], qd, ctx, 0, n, out, 0, hidden, hidden);
            for (int i = 0; i < n; i++) {
                if (lw.oBias() != null) Kernels.addBias(out, i * hidden, lw.oBias(), hidden);
                lora.apply(lora.adapterOf(row[i]), l, LoraTarget.O, ctx, i * qd, qd, out, i * hidden, hidden, loraTmp, lanes[0]);
                Kernels.axpy(1f, out, i * hidden, x, i * hidden, hidden);
                Kernels.rmsNorm(x, i * hidden, lw.postNorm(), h, i * hidden, hidden, eps);
            }
            matmul(lw.gateUp(), t[2], hidden, h, 0, n, gateUp, 0, 2 * inter, 2 * inter);
            for (int i = 0; i < n; i++) {
                int k = lora.adapterOf(row[i]), at = i * 2 * inter;
                lora.apply(k, l, LoraTarget.GATE, h, i * hidden, hidden, gateUp, at, inter, loraTmp, lanes[0]);
                lora.apply(k, l, LoraTarget.UP, h, i * hidden, hidden, gateUp, at + inter, inter, loraTmp, lanes[0]);
                Kernels.swiglu(gateUp, at, act, i * inter, inter);
            }
            matmul(lw.down(), t[3], inter, act, 0, n, out, 0, hidden, hidden);
            for (int i = 0; i < n; i++) {
                lora.apply(lora.adapterOf(row[i]), l, LoraTarget.DOWN, act, i * inter, inter, out, i * hidden, hidden, loraTmp, lanes[0]);
                Kernels.axpy(1f, out, i * hidden, x, i * hidden, hidden);
            }
        }

        /** HF apply_rotary_pos_emb on {@code count} heads at v[off...]: x·cos + rotate_half(x)·sin, then · scale. */
        private void rope(float[] v, int off, int count, int p, float scale) {
            int half = headDim / 2, t = p * half;
            for (int hh = 0; hh < count; hh++) {
                int b = off + hh * headDim;
                for (int i = 0; i < half; i++) {
                    float x1 = v[b + i], x2 = v[b + half + i], cs = cos[t + i], sn = sin[t + i];
                    v[b + i] = (x1 * cs + -x2 * sn) * scale;
                    v[b + half + i] = (x2 * cs + x1 * sn) * scale;
                }
            }
        }

        /** Start of (row b, kv head) in a layer's cache: values at + p·headDim, keys at + j·capacity + p. */
        private int head(int b, int kvh) {
            return (b * kvHeads + kvh) * capacity * headDim;
        }

        private void storeKv(int l, int i) {
            int at = i * qkvWidth, p = pos[i];
            float[] k = keys[l];
            for (int kvh = 0; kvh < kvHeads; kvh++) {
                int base = head(row[i], kvh), src = at + qd + kvh * headDim;
                for (int j = 0; j < headDim; j++) k[base + j * capacity + p] = qkv[src + j];
                System.arraycopy(qkv, at + qd + kd + kvh * headDim, values[l], base + p * headDim, headDim);
            }
        }

        /**
         * Attention of token i, query head hq, over its row's slots [0, pos]: ctx[i, hq] = softmax(q·Kᵀ) V.
         * The scores of all slots come from vectors of slots over the transposed keys (no lane sum per slot).
         */
        private void attend(int l, int i, int hq, float[] sc) {
            int kvh = hq / groups, p = pos[i], q = i * qkvWidth + hq * headDim, o = i * qd + hq * headDim;
            float[] k = keys[l], v = values[l];
            int base = head(row[i], kvh);
            Kernels.scores(qkv, q, headDim, k, base, capacity, sc, p + 1);
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s <= p; s++) if (sc[s] > max) max = sc[s];
            Kernels.exp(sc, 0, sc, 0, p + 1, 1f, -max);
            float sum = 0;
            for (int s = 0; s <= p; s++) sum += sc[s];
            float inv = 1f / sum;
            for (int s = 0; s <= p; s++) sc[s] *= inv;
            Kernels.weightedSum(sc, p + 1, v, base, headDim, ctx, o);
        }

        /** y = xs · Wᵀ for {@code count} rows, over W's packed copy wP when it has one (null: W read in place). */
        private void matmul(MemorySegment wt, float[] wP, int in, float[] xs, int xOff, int count, float[] y, int yOff, int yStride, int outRows) {
            if ((long) outRows * in * count < PARALLEL_MACS || workers.threads() == 1) {
                if (wP != null) Kernels.matmulPacked(wP, in, outRows, xs, xOff, count, y, yOff, yStride, 0, outRows);
                else Kernels.matmul(wt, in, xs, xOff, count, y, yOff, yStride, 0, outRows, lanes[0]);
                return;
            }
            matmul.set(wt, wP, in, xs, xOff, count, y, yOff, yStride, outRows, lanes);
            workers.run(matmul);
        }

        /** One product shared by the team in chunks of whole panels or four-row blocks of outputs (fields set per call: no allocation). */
        private static final class MatmulTask implements Workers.Parts {
            MemorySegment w;
            float[] wP;
            int in, xOff, rows, yOff, yStride, out;
            float[] x, y;
            float[][] lanes;

            void set(MemorySegment w, float[] wP, int in, float[] x, int xOff, int rows, float[] y, int yOff, int yStride, int out, float[][] lanes) {
                this.lanes = lanes;
                this.w = w;
                this.wP = wP;
                this.in = in;
                this.x = x;
                this.xOff = xOff;
                this.rows = rows;
                this.y = y;
                this.yOff = yOff;
                this.yStride = yStride;
                this.out = out;
            }

            @Override
            public void run(int chunk, int chunks, int worker) {
                int unit = wP != null ? Kernels.PANEL : 4; // whole panels, or whole four-row blocks of W
                int from = Workers.from(chunk, chunks, out, unit), to = Workers.from(chunk + 1, chunks, out, unit);
                if (wP != null) Kernels.matmulPacked(wP, in, out, x, xOff, rows, y, yOff, yStride, from, to);
                else Kernels.matmul(w, in, x, xOff, rows, y, yOff, yStride, from, to, lanes[worker]);
            }
        }

        /** The attention of one layer shared by the team in chunks of (token, head) pairs. */
        private final class AttentionTask implements Workers.Parts {
            int layer;

            @Override
            public void run(int chunk, int chunks, int worker) {
                int units = n * heads, from = Workers.from(chunk, chunks, units, 1), to = Workers.from(chunk + 1, chunks, units, 1);
                for (int u = from; u < to; u++) attend(layer, u / heads, u % heads, scores[worker]);
            }
        }

        /** Hands the buffers back to the decoder for the next batch. */
        @Override
        public void close() {
            lora = null;
            synchronized (FusedDecoder.this) {
                if (spares.size() < MAX_SPARES) spares.addLast(this);
            }
        }
    }
}
