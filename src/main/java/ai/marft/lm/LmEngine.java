package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.marft.InputError;
import ai.marft.lm.decode.DecodeWeights;
import ai.marft.lm.decode.FusedDecoder;
import ai.marft.lm.decode.RowLora;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The causal LM engine: one frozen base model, named LoRA adapters over it, batched KV-cache
 * generation ({@link TextGenerator}) and the training-side scoring of actions (log-probs, entropies,
 * frozen-base hidden states for the critic), with logits built only where they are needed.
 */
public final class LmEngine implements RowSeededGenerator, AutoCloseable {
    /** Rows of logits built at once when scoring ([rows, V] floats). */
    private static final long LOGIT_CHUNK_FLOATS = 1L << 24;

    private final CausalLm model;
    private final Tokenizer tokenizer; // may be null (ids-only use)
    private final AdapterSet adapters;
    private final int[] eosIds;
    private final int padId;
    /** Test hook: sees each step's logits [B * V] during generation. */
    StepObserver observer;
    /** Test and bench hook: false sends generate down the tensor-library path even where the fused decoder can run. */
    boolean fused = true;
    /** Bench hook: a decoder over the same weights used instead of the engine's own (one that reads them in place). */
    FusedDecoder decoderOverride;
    private FusedDecoder decoder;     // over the weights decoder was built for (rebuilt when they change)
    private DecodeWeights decoderWeights;

    /** Receives the logits a generation step sampled from. */
    interface StepObserver {
        void logits(int step, float[] logits);
    }

    public LmEngine(CausalLm model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.adapters = new AdapterSet(model);
        ModelConfig c = model.config();
        int[] eos = c.eosIds();
        if (tokenizer != null && Arrays.stream(eos).noneMatch(e -> e == tokenizer.eosId())) {
            eos = Arrays.copyOf(eos, eos.length + 1);
            eos[eos.length - 1] = tokenizer.eosId();
        }
        this.eosIds = eos;
        this.padId = tokenizer != null ? tokenizer.padId() : c.padId() >= 0 ? c.padId() : eos.length > 0 ? eos[0] : 0;
    }

    /** Loads an HF model folder onto the CPU; the tokenizer is loaded when tokenizer.json is there, else ids only. */
    public static LmEngine load(Path dir) {
        return load(dir, ai.djl.Device.cpu());
    }

    /** As {@link #load(Path)}, the arrays on {@code device} (see {@link Devices}); decoding then runs on the tensor library. */
    public static LmEngine load(Path dir, ai.djl.Device device) {
        CausalLm model = CausalLm.load(dir, Devices.requireAvailable(device, "model " + dir));
        try {
            ModelConfig c = model.config();
            Tokenizer tok = HfTokenizer.present(dir) ? HfTokenizer.load(dir, c.eosIds().length > 0 ? c.eosIds()[0] : -1, c.padId()) : null;
            return new LmEngine(model, tok);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Sets the tensor library's intra-op threads for this JVM. On an oversubscribed machine one thread
     * decodes several times faster than two (fork/join barriers wait for descheduled threads).
     */
    public static void setThreads(int threads) {
        if (threads < 1) throw new InputError("threads must be >= 1, got " + threads);
        ai.djl.engine.Engine.getInstance(); // loads the native library
        JniUtils.setNumThreads(threads);
    }

    /** Threads from $MARFT_THREADS when set (used by the commands when --threads is not given), else 0. */
    public static int threadsFromEnvironment() {
        String v = System.getenv("MARFT_THREADS");
        if (v == null || v.isBlank()) return 0;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new InputError("MARFT_THREADS='" + v + "' is not an integer");
        }
    }

    public CausalLm model() {
        return model;
    }

    public AdapterSet adapters() {
        return adapters;
    }

    /** The tokenizer; an {@link InputError} when the model folder had none. */
    @Override
    public Tokenizer tokenizer() {
        if (tokenizer == null) throw new InputError("the model folder has no tokenizer.json: give token ids instead of text");
        return tokenizer;
    }

    /** Ids that stop a row (config's eos_token_id and the tokenizer's EOS). */
    public int[] eosIds() {
        return eosIds.clone();
    }

    private void check(List<int[]> seqs, String what, boolean allowEmpty) {
        int vocab = model.config().vocabSize();
        for (int b = 0; b < seqs.size(); b++) {
            int[] s = seqs.get(b);
            if (s == null || (!allowEmpty && s.length == 0)) throw new InputError(what + " " + b + " is empty");
            for (int k = 0; k < s.length; k++)
                if (s[k] < 0 || s[k] >= vocab)
                    throw new InputError(what + " " + b + ": token id " + s[k] + " at position " + k + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    /**
     * The fused no-grad decoder over the frozen weights, or null where generation stays on the tensor
     * library: without the Vector API module, for weights not readable in place (another device), while
     * the base is trainable.
     */
    synchronized FusedDecoder decoder() {
        DecodeWeights w = model.decodeWeights();
        if (w == null) return null;
        if (decoderOverride != null) return decoderOverride;
        if (w != decoderWeights) {
            if (decoder != null) decoder.close();
            decoder = new FusedDecoder(w);
            decoderWeights = w;
        }
        return decoder;
    }

    /** The tensor threads of the calling thread ({@link #setThreads}); the fused decoder splits its work over as many. */
    public static int threads() {
        return Math.max(1, JniUtils.getNumThreads());
    }

    @Override
    public List<Generation> generate(List<int[]> prompts, List<String> adapterNames, SamplingParams params, long seed) {
        return generate(prompts, adapterNames, params, seed, true);
    }

    /** Row b draws from {@code new Random(new Random(rowSeeds[b]).nextLong())}: what it draws alone with seed rowSeeds[b]. */
    @Override
    public List<Generation> generate(List<int[]> prompts, List<String> adapterNames, SamplingParams params, long[] rowSeeds) {
        if (rowSeeds.length != prompts.size()) throw new IllegalArgumentException(rowSeeds.length + " row seeds for " + prompts.size() + " prompts");
        Random[] rng = new Random[rowSeeds.length];
        for (int b = 0; b < rng.length; b++) rng[b] = new Random(new Random(rowSeeds[b]).nextLong());
        return generate(prompts, adapterNames, params, rng, true);
    }

    /** As {@link #generate(List, List, SamplingParams, long)}; {@code stopAtEos} false runs every row the full length (bench). */
    List<Generation> generate(List<int[]> prompts, List<String> adapterNames, SamplingParams params, long seed, boolean stopAtEos) {
        Random seeds = new Random(seed); // row b: the (b+1)-th draw of the call's seed
        Random[] rng = new Random[prompts.size()];
        for (int b = 0; b < rng.length; b++) rng[b] = new Random(seeds.nextLong());
        return generate(prompts, adapterNames, params, rng, stopAtEos);
    }

    private List<Generation> generate(List<int[]> prompts, List<String> adapterNames, SamplingParams params, Random[] rng, boolean stopAtEos) {
        if (prompts.size() != adapterNames.size())
            throw new IllegalArgumentException(prompts.size() + " prompts but " + adapterNames.size() + " adapter names");
        if (prompts.isEmpty()) return List.of();
        check(prompts, "prompt", false);
        FusedDecoder d = fused ? decoder() : null;
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (d != null && d.fits(prompts.size(), longest + params.maxNewTokens()))
            return FusedGeneration.run(d, adapters.rowLora(adapterNames), prompts, params, rng, stopAtEos ? eosIds : new int[0], observer, threads());
        return tensorGenerate(prompts, adapterNames, params, rng, stopAtEos);
    }

    /** Generation op by op on the tensor library (a CUDA device, no Vector API, a trainable base). */
    private List<Generation> tensorGenerate(List<int[]> prompts, List<String> adapterNames, SamplingParams params, Random[] rng, boolean stopAtEos) {
        int rows = prompts.size(), vocab = model.config().vocabSize();
        Batch batch = new Batch(prompts, padId);
        int start = batch.length, capacity = start + params.maxNewTokens();
        List<List<Integer>> tokens = new ArrayList<>();
        List<List<Float>> logprobs = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            tokens.add(new ArrayList<>());
            logprobs.add(new ArrayList<>());
        }
        boolean[] done = new boolean[rows];
        try (NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(m, model.config(), rows, capacity)) {
            LoraDelta lora = adapters.forRows(m, adapterNames);
            float[] logits = lastLogits(batch, m, batch.ids(m), 0, start, capacity, cache, lora);
            for (int step = 0; ; step++) {
                if (observer != null) observer.logits(step, logits);
                int[] next = new int[rows];
                for (int b = 0; b < rows; b++) {
                    next[b] = padId;
                    if (done[b]) continue;
                    Sampler.Draw d = Sampler.draw(logits, b * vocab, vocab, params, rng[b]);
                    tokens.get(b).add(d.token());
                    logprobs.get(b).add(d.logprob());
                    next[b] = d.token();
                    if (stopAtEos && isEos(d.token())) done[b] = true;
                }
                boolean all = true;
                for (boolean x : done) all &= x;
                if (all || step + 1 >= params.maxNewTokens()) break;
                try (NDArray ids = Owned.of(m.create(next, new Shape(rows, 1)))) {
                    logits = lastLogits(batch, m, ids, start + step, 1, capacity, cache, lora);
                }
            }
        }
        List<Generation> out = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            int[] t = tokens.get(b).stream().mapToInt(Integer::intValue).toArray();
            float[] lp = new float[t.length];
            for (int i = 0; i < lp.length; i++) lp[i] = logprobs.get(b).get(i);
            out.add(new Generation(t, lp, done[b]));
        }
        return out;
    }

    private boolean isEos(int token) {
        for (int e : eosIds) if (e == token) return true;
        return false;
    }

    /** Runs t tokens at slots [start, start + t) through the cached model; returns the last slot's logits [B * V]. */
    private float[] lastLogits(Batch batch, NDManager m, NDArray ids, int start, int t, int capacity, KvCache cache, LoraDelta lora) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = model.forward(ids, batch.positions(m, start, t), batch.mask(m, start, t, capacity), cache, start, lora);
            return model.logits(hidden.get(":, -1, :")).toFloatArray();
        }
    }

    /**
     * Final hidden states [B, L, H] of {@code seqs}, left-padded to the longest (row b starts with
     * L - len_b padding slots), under {@code adapter} (null: base). With {@code withGrad}, inside a
     * GradientCollector, gradients reach the adapter, or the base when {@link CausalLm#setTrainable} is on
     * (pretraining: {@code model().logits(hidden)} gives the next-token logits). Results belong to m.
     */
    public NDArray hiddenStates(NDManager m, List<int[]> seqs, String adapter, boolean withGrad) {
        check(seqs, "sequence", false);
        Batch batch = new Batch(seqs, padId);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            LoraDelta lora = adapter == null ? LoraDelta.NONE : adapters.get(adapter).delta(m, withGrad);
            NDArray hidden = model.forward(batch.ids(m), batch.positions(m, 0, batch.length), batch.mask(m, 0, batch.length, batch.length), null, 0, lora);
            NDScope.unregister(hidden);
            hidden.attach(m);
            return hidden;
        }
    }

    /** Logits [B, L, V] of a full forward (no cache) over left-padded seqs; for tests of the cached path. */
    float[] fullLogits(List<int[]> seqs, String adapter) {
        try (NDManager m = model.manager().newSubManager()) {
            return model.logits(hiddenStates(m, seqs, adapter, false)).toFloatArray();
        }
    }

    /**
     * log p(seq[k] | seq[<k]) for k = 1..n-1 of each sequence under the base model (adapter null) or an
     * adapter, at temperature 1 with no filtering, by the tensor library's scorer (the one training
     * differentiates); sequences are scored together in one left-padded batch.
     */
    public float[][] logprobs(List<int[]> seqs, String adapter) {
        List<int[]> prompts = new ArrayList<>(), actions = new ArrayList<>();
        for (int b = 0; b < seqs.size(); b++) {
            int[] s = seqs.get(b);
            if (s.length < 2) throw new InputError("sequence " + b + " needs at least 2 ids to have a log-prob, got " + s.length);
            prompts.add(Arrays.copyOf(s, 1));
            actions.add(Arrays.copyOfRange(s, 1, s.length));
        }
        try (NDManager m = model.manager().newSubManager()) { // the training scorer's numbers: tests hold the fused path against them
            return tensorLogprobs(m, prompts, actions, adapter, new SamplingParams(1, 1.0, 0, 1.0));
        }
    }

    /**
     * No-grad log-probs of each action token given its prompt under {@code params}' sampling distribution,
     * for {@code adapter} (null: base): what {@link #scoreActions} gives without a gradient, on the fused
     * decoder where it can (one cached forward over prompt + action), else on the tensor library.
     */
    public float[][] actionLogprobs(List<int[]> prompts, List<int[]> actions, String adapter, SamplingParams params) {
        FusedDecoder d = fusedFor(prompts, actions);
        if (d != null)
            return FusedBaseForward.run(d, adapters.rowLora(Collections.nCopies(prompts.size(), adapter)), prompts, actions, false,
                    params, threads()).actionLogprobs();
        try (NDManager m = model.manager().newSubManager()) {
            return tensorLogprobs(m, prompts, actions, adapter, params);
        }
    }

    private float[][] tensorLogprobs(NDManager m, List<int[]> prompts, List<int[]> actions, String adapter, SamplingParams params) {
        ActionScores sc = scoreActions(m, prompts, actions, adapter, params, false);
        float[] lp = sc.logprobs().toFloatArray();
        int width = (int) sc.logprobs().getShape().get(1);
        float[][] out = new float[prompts.size()][];
        for (int b = 0; b < out.length; b++) out[b] = Arrays.copyOfRange(lp, b * width, b * width + actions.get(b).length);
        return out;
    }

    /** Checks a prompt + action batch; the fused decoder when it can run it (CPU weights, its cache fits), else null. */
    private FusedDecoder fusedFor(List<int[]> prompts, List<int[]> actions) {
        if (prompts.size() != actions.size())
            throw new IllegalArgumentException(prompts.size() + " prompts but " + actions.size() + " actions");
        check(prompts, "prompt", false);
        check(actions, "action", true);
        FusedDecoder d = fused ? decoder() : null;
        int longest = 0;
        for (int b = 0; b < prompts.size(); b++) longest = Math.max(longest, prompts.get(b).length + actions.get(b).length);
        return d != null && d.fits(prompts.size(), longest) ? d : null;
    }

    /**
     * Log-probs and entropies of the action tokens under the sampling distribution of {@code params}
     * (the one {@link #generate} draws from and records), given their prompts, for {@code adapter}
     * (null: base). With {@code withGrad}, call inside a GradientCollector: gradients reach the adapter's
     * A and B. Logits are built only at action positions, in chunks. Results belong to {@code m}.
     */
    public ActionScores scoreActions(NDManager m, List<int[]> prompts, List<int[]> actions, String adapter,
                                     SamplingParams params, boolean withGrad) {
        Gathered g = gather(m, prompts, actions, adapter, withGrad);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int n = g.index.length, vocab = model.config().vocabSize();
            int chunk = (int) Math.max(1, LOGIT_CHUNK_FLOATS / vocab);
            NDList lps = new NDList(), ents = new NDList();
            NDArray tokens = Owned.of(m.create(g.tokens, new Shape(n, 1)));
            for (int s = 0; s < n; s += chunk) {
                int e = Math.min(n, s + chunk);
                NDArray logp = SamplingDistribution.logProbs(model.logits(g.hidden.get("{}:{}", s, e)), params);
                lps.add(logp.gather(tokens.get("{}:{}", s, e), 1).reshape(e - s));
                ents.add(logp.exp().mul(logp).sum(new int[]{1}).neg());
            }
            Shape shape = new Shape(prompts.size(), g.amax);
            NDArray lp = (lps.size() == 1 ? lps.get(0) : NDArrays.concat(lps)).reshape(shape);
            NDArray ent = (ents.size() == 1 ? ents.get(0) : NDArrays.concat(ents)).reshape(shape);
            NDArray mask = Owned.of(m.create(g.mask, shape));
            NDScope.unregister(lp, ent, mask);
            lp.attach(m);
            ent.attach(m);
            g.hidden.close();
            return new ActionScores(lp, ent, mask);
        }
    }

    /**
     * Final hidden states of the frozen base (no adapter, no gradient) at the positions whose logits
     * predict each action token: [B, Amax, H]; index 0 is the last prompt token (the action-level value).
     */
    public NDArray baseHidden(NDManager m, List<int[]> prompts, List<int[]> actions) {
        Gathered g = gather(m, prompts, actions, null, false);
        try (NDArray h = g.hidden) {
            NDArray out = h.stopGradient().reshape(prompts.size(), g.amax, model.config().hidden());
            out.attach(m);
            return out;
        }
    }

    /**
     * One no-grad forward of the frozen base (no adapter) over each prompt + action: the final hidden state
     * at the last prompt token (the critic's feature); with {@code withActionHidden}, those at every
     * position predicting an action token; with {@code params} non-null, the base log-probs of the action
     * tokens under params' sampling distribution (as {@link #scoreActions} gives them; params without top-k
     * and top-p give the plain softmax of logits / temperature, as a KL estimate needs). Runs on the fused
     * decoder where it can, else on the tensor library.
     */
    public BaseForward baseForward(List<int[]> prompts, List<int[]> actions, boolean withActionHidden, SamplingParams params) {
        FusedDecoder d = fusedFor(prompts, actions);
        if (d != null)
            return FusedBaseForward.run(d, RowLora.NONE, prompts, actions, withActionHidden, params, threads());
        return tensorBaseForward(prompts, actions, withActionHidden, params);
    }

    private BaseForward tensorBaseForward(List<int[]> prompts, List<int[]> actions, boolean withActionHidden, SamplingParams params) {
        int rows = prompts.size(), h = model.config().hidden();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray hidden = baseHidden(m, prompts, actions);
            int amax = (int) hidden.getShape().get(1);
            float[] hs = hidden.toFloatArray();
            float[][] promptHidden = new float[rows][];
            float[][][] actionHidden = withActionHidden ? new float[rows][][] : null;
            for (int b = 0; b < rows; b++) {
                promptHidden[b] = Arrays.copyOfRange(hs, b * amax * h, (b * amax + 1) * h);
                if (actionHidden == null) continue;
                actionHidden[b] = new float[actions.get(b).length][];
                for (int j = 0; j < actions.get(b).length; j++)
                    actionHidden[b][j] = Arrays.copyOfRange(hs, (b * amax + j) * h, (b * amax + j + 1) * h);
            }
            float[][] lps = null;
            if (params != null)
                lps = tensorLogprobs(m, prompts, actions, null, params);
            return new BaseForward(promptHidden, actionHidden, lps);
        }
    }

    /** Hidden states [B * Amax, H] (attached to m) at the action-predicting positions, with tokens and mask. */
    private record Gathered(NDArray hidden, int[] index, int[] tokens, float[] mask, int amax) {}

    private Gathered gather(NDManager m, List<int[]> prompts, List<int[]> actions, String adapter, boolean withGrad) {
        if (prompts.size() != actions.size())
            throw new IllegalArgumentException(prompts.size() + " prompts but " + actions.size() + " actions");
        check(prompts, "prompt", false);
        check(actions, "action", true);
        int rows = prompts.size();
        List<int[]> seqs = new ArrayList<>();
        int amax = 1;
        for (int b = 0; b < rows; b++) {
            int[] p = prompts.get(b), a = actions.get(b);
            int[] s = Arrays.copyOf(p, p.length + a.length);
            System.arraycopy(a, 0, s, p.length, a.length);
            seqs.add(s);
            amax = Math.max(amax, a.length);
        }
        Batch batch = new Batch(seqs, padId);
        int len = batch.length;
        int[] index = new int[rows * amax], tokens = new int[rows * amax];
        float[] mask = new float[rows * amax];
        for (int b = 0; b < rows; b++) {
            int[] a = actions.get(b);
            int first = batch.pads[b] + prompts.get(b).length - 1; // slot whose logits predict action token 0
            for (int j = 0; j < amax; j++) {
                boolean real = j < a.length;
                index[b * amax + j] = b * len + (real || j == 0 ? first + j : len - 1);
                tokens[b * amax + j] = real ? a[j] : 0;
                mask[b * amax + j] = real ? 1f : 0f;
            }
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            LoraDelta lora = adapter == null ? LoraDelta.NONE : adapters.get(adapter).delta(m, withGrad);
            NDArray hidden = model.forward(batch.ids(m), batch.positions(m, 0, len), batch.mask(m, 0, len, len), null, 0, lora);
            NDArray picked = hidden.reshape(rows * (long) len, model.config().hidden()).get(Owned.of(m.create(index)));
            NDScope.unregister(picked);
            picked.attach(m);
            return new Gathered(picked, index, tokens, mask, amax);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (decoder != null) decoder.close();
        }
        adapters.close();
        if (tokenizer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        model.close();
    }
}
