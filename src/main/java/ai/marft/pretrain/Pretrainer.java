package ai.marft.pretrain;

import ai.marft.progress.Budget;
import ai.marft.progress.Progress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.marft.InputError;
import ai.marft.env.Problem;
import ai.marft.pretrain.ArithAgent;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.pretrain.ArithTokenizer;
import ai.marft.pretrain.Transcript;
import ai.marft.lm.GradScope;
import ai.marft.lm.CausalLm;
import ai.marft.lm.HfTokenizer;
import ai.marft.lm.ModelConfig;
import ai.marft.lm.Tokenizer;
import ai.marft.mas.Seeds;
import ai.marft.rl.AdamW;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Pretrains the embedded arith model from scratch: learns a tokenizer from teacher transcripts, then
 * trains a randomly initialised Llama {@link CausalLm} with {@link AdamW} on next-token loss over the
 * agents' own turns, on fresh teacher transcripts every step. Writes an HF model folder (config.json,
 * model.safetensors, tokenizer.json, tokenizer_config.json) and the loss curve (loss.csv).
 */
public final class Pretrainer implements AutoCloseable {
    /** Problems whose transcripts train the tokenizer. */
    static final int TOKENIZER_PROBLEMS = 2000;
    /** Problems drawn per refill of the length-sorted pool of batches. */
    static final int POOL_PROBLEMS = 384;
    /** Held-out loss: every this many steps, over the first few held-out batches. */
    static final int EVAL_EVERY = 100, EVAL_BATCHES = 4;
    static final double MAX_GRAD_NORM = 1.0;
    static final int MAX_SKIPPED_UPDATES = 20;

    private final PretrainOptions options;
    private final Path out;
    private final Tokenizer tokenizer;
    private final CausalLm model;
    private final AdamW adam;
    private final TranscriptSource stream;
    private final Random batchOrder;
    private final List<TokenBatch> heldOutBatches;
    private final List<TokenBatch> pool = new ArrayList<>();
    private int step, skippedUpdates;

    /** Result of a run: steps taken (fewer than planned when the time cap hit), time, last losses. */
    public record Summary(int steps, int plannedSteps, double seconds, double trainLoss, double heldOutLoss, long parameters,
                          long heldOutSkipped, int skippedUpdates) {}

    /**
     * Prepares a run writing into {@code out}: the tokenizer is learned and written now, the model
     * initialised. {@code dualProfiles}/{@code soloProfiles} are the arith profiles files.
     */
    public Pretrainer(PretrainOptions options, Path out, Path dualProfiles, Path soloProfiles) {
        this(options, out, dualProfiles, soloProfiles, null, null);
    }

    /**
     * As above; with {@code router} non-null the model learns that router's turns alone (a router
     * model, {@link RouterTeacher}); with {@code tokenizerFrom} non-null the tokenizer is that model
     * folder's (copied, byte for byte) instead of one learned here, so the new model shares it.
     */
    public Pretrainer(PretrainOptions options, Path out, Path dualProfiles, Path soloProfiles, RouterTeacher router, Path tokenizerFrom) {
        this.options = options;
        this.out = out;
        List<ArithAgent> dual = ArithAgent.readProfiles(dualProfiles), solo = ArithAgent.readProfiles(soloProfiles);
        Set<String> heldOut = new HashSet<>();
        List<Problem> heldOutProblems = new ArithGenerator(options.heldOutSeed()).generate(options.heldOut());
        heldOutProblems.forEach(p -> heldOut.add(p.problem()));
        if (tokenizerFrom != null) copyTokenizer(tokenizerFrom, out);
        else {
            List<String> corpus = new ArrayList<>();
            new TranscriptSource(dual, solo, router, options, heldOut, Seeds.mix(options.seed(), 0)).next(TOKENIZER_PROBLEMS)
                    .forEach(t -> corpus.add(t.text()));
            ArithTokenizer.train(corpus, options.vocab()).write(out);
        }
        HfTokenizer tok = HfTokenizer.load(out, -1, -1);
        this.tokenizer = tok;
        ModelConfig config = new ModelConfig("llama", tok.vocabSize(), options.hidden(), options.intermediate(), options.layers(),
                options.heads(), options.heads(), options.hidden() / options.heads(), 1e-5, 10000, true, false, false, 2048,
                new int[]{tok.eosId()}, tok.padId());
        this.model = CausalLm.random(config, Seeds.mix(options.seed(), 1));
        model.setTrainable(true);
        this.adam = new AdamW(model.parameters(), options.lr(), 0.9, 0.95, 1e-8, options.weightDecay());
        this.stream = new TranscriptSource(dual, solo, router, options, heldOut, Seeds.mix(options.seed(), 2));
        this.batchOrder = new Random(Seeds.mix(options.seed(), 3));
        TranscriptSource heldOutStream = new TranscriptSource(dual, solo, router, options, Set.of(), Seeds.mix(options.seed(), 4));
        List<Transcript.Tokenized> h = new ArrayList<>();
        for (Problem p : heldOutProblems.subList(0, Math.min(200, heldOutProblems.size())))
            heldOutStream.play(p).forEach(t -> h.add(t.tokenize(tokenizer)));
        List<TokenBatch> hb = h.isEmpty() ? List.of() : TokenBatch.byLength(h, options.batchTokens(), new Random(0));
        this.heldOutBatches = hb.subList(0, Math.min(EVAL_BATCHES, hb.size()));
    }

    /** The tokenizer files of model folder {@code from}, copied into {@code out}. */
    private static void copyTokenizer(Path from, Path out) {
        try {
            Files.createDirectories(out);
            for (String f : new String[]{"tokenizer.json", "tokenizer_config.json"}) {
                if (!Files.isRegularFile(from.resolve(f)))
                    throw new InputError("--tokenizer-from " + from + ": no " + f + " there (a model folder in the Hugging Face layout)");
                Files.copy(from.resolve(f), out.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new InputError("cannot copy the tokenizer of " + from + " into " + out + " (" + e.getMessage() + ")");
        }
    }

    public CausalLm model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The next training batch (refills the length-sorted pool with fresh problems when empty). */
    TokenBatch nextBatch() {
        if (pool.isEmpty()) {
            List<Transcript.Tokenized> items = new ArrayList<>();
            for (Transcript t : stream.next(POOL_PROBLEMS)) items.add(t.tokenize(tokenizer));
            pool.addAll(TokenBatch.byLength(items, options.batchTokens(), batchOrder));
        }
        return pool.removeLast();
    }

    /** Learning rate at step s (1-based): linear warm-up, then cosine from lr to lr/10. */
    static double learningRate(PretrainOptions o, int s) {
        double peak = o.lr();
        if (s <= o.warmupSteps()) return peak * s / o.warmupSteps();
        double progress = Math.min(1, (double) (s - o.warmupSteps()) / Math.max(1, o.steps() - o.warmupSteps()));
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** One optimizer step on {@code batch}; returns its loss before the update. */
    double trainStep(TokenBatch batch) {
        step++;
        float loss;
        try (GradScope gc = new GradScope()) {
            try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray l = NextTokenLoss.of(model, m, batch);
                gc.backward(l);
                loss = l.getFloat();
            }
        }
        double norm = adam.clipGradNorm(MAX_GRAD_NORM);
        if (!Float.isFinite(loss) || !Double.isFinite(norm)) { // a rare non-finite gradient: skip the update rather than poison the weights
            adam.zeroGrad();
            if (++skippedUpdates > MAX_SKIPPED_UPDATES)
                throw new IllegalStateException("pretrain: " + skippedUpdates + " steps with a non-finite loss or gradient (last at step " + step + ")");
            return loss;
        }
        adam.setLearningRate(learningRate(options, step));
        adam.step();
        adam.zeroGrad();
        return loss;
    }

    /** Mean loss over {@code batches} (token-weighted), without gradients. */
    double loss(List<TokenBatch> batches) {
        double sum = 0;
        long n = 0;
        for (TokenBatch b : batches) {
            try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                sum += (double) NextTokenLoss.of(model, m, b).getFloat() * b.targets();
                n += b.targets();
            }
        }
        return sum / n;
    }

    /** Loss on the fixed held-out batches (transcripts of held-out problems). */
    public double heldOutLoss() {
        return loss(heldOutBatches);
    }

    /**
     * Runs all planned steps (or until the time cap), writing loss.csv as it goes and the model at the
     * end. Progress (a bar with the loss) goes to {@code progress}.
     */
    public Summary train(PrintStream progress) {
        long start = System.nanoTime();
        Progress bar = progress == null ? null : Progress.of("pretrain", "step", Budget.units(options.steps()), progress);
        double trainLoss = Double.NaN, heldLoss = heldOutLoss(), ema = Double.NaN;
        Path csv = out.resolve("loss.csv");
        try (var w = Files.newBufferedWriter(csv)) {
            w.write("step,seconds,lr,rows,tokens,train_loss,held_out_loss\n");
            w.write(String.format(java.util.Locale.ROOT, "0,0.0,0,0,0,,%.5f%n", heldLoss));
            while (step < options.steps()) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (options.maxMinutes() > 0 && elapsed > options.maxMinutes() * 60) break;
                TokenBatch b = nextBatch();
                trainLoss = trainStep(b);
                ema = Double.isNaN(ema) ? trainLoss : 0.95 * ema + 0.05 * trainLoss;
                String held = "";
                if (step % EVAL_EVERY == 0 || step == options.steps()) {
                    heldLoss = heldOutLoss();
                    held = String.format(java.util.Locale.ROOT, "%.5f", heldLoss);
                }
                w.write(String.format(java.util.Locale.ROOT, "%d,%.1f,%.6g,%d,%d,%.5f,%s%n", step, (System.nanoTime() - start) / 1e9,
                        adam.learningRate(), b.rows().size(), b.targets(), trainLoss, held));
                w.flush(); // the curve can be watched while training runs
                if (bar != null) bar.update(step, String.format(java.util.Locale.ROOT, "loss %.4f  held-out %.4f", ema, heldLoss));
            }
        } catch (IOException e) {
            throw new InputError("cannot write " + csv + " (" + e.getMessage() + ")");
        }
        if (bar != null) bar.close();
        model.save(out);
        return new Summary(step, options.steps(), (System.nanoTime() - start) / 1e9, trainLoss, heldLoss, model.parameterCount(),
                stream.skipped(), skippedUpdates);
    }

    @Override
    public void close() {
        adam.close();
        model.close();
        if (tokenizer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
