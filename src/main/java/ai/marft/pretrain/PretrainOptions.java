package ai.marft.pretrain;

import ai.marft.InputError;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.marft.Json;

/**
 * Everything a pretraining run is made of; {@link #defaults(long)} is the shipped model's recipe.
 *
 * @param seed          one seed: model init, problem stream, teacher draws, batch order
 * @param steps         optimizer steps (the learning-rate schedule spans them)
 * @param maxMinutes    wall-clock cap (0: none); a capped run stops early and says so
 * @param hidden        model width (Llama: RMSNorm, RoPE, SwiGLU)
 * @param layers        decoder blocks
 * @param heads         attention heads (as many key/value heads)
 * @param intermediate  SwiGLU width
 * @param vocab         tokenizer size (byte-level BPE learned from teacher transcripts)
 * @param batchTokens   padded tokens per step (rows × longest row)
 * @param lr            peak AdamW learning rate (linear warm-up, then cosine to lr/10)
 * @param warmupSteps   warm-up steps
 * @param weightDecay   AdamW decoupled weight decay
 * @param plannerRight  teacher: probability of a right plan
 * @param solverRight   teacher: probability of a right answer after a right plan
 * @param fixRate       teacher: probability that the solver corrects a wrong plan
 * @param soloRight     teacher: probability of a right answer from the solo agent
 * @param soloShare     fraction of problems played by the solo team (the rest by planner → solver)
 * @param slips         teacher: whether wrong turns include arithmetic slips (off in the shipped recipe:
 *                      every mistake is then a wrong procedure with exact arithmetic, see ArithTeacher)
 * @param horizon       environment steps per teacher episode (later steps carry judge lines)
 * @param heldOutSeed   seed of the held-out problems ({@code marft arith-dataset --seed})
 * @param heldOut       how many held-out problems are excluded from training (by text)
 */
public record PretrainOptions(long seed, int steps, double maxMinutes, int hidden, int layers, int heads, int intermediate, int vocab,
                              int batchTokens, double lr, int warmupSteps, double weightDecay, double plannerRight, double solverRight,
                              double fixRate, double soloRight, double soloShare, boolean slips, int horizon, long heldOutSeed, int heldOut) {
    /** Seed of the held-out evaluation problems: {@code marft arith-dataset --n 500 --seed 1000}. */
    public static final long HELD_OUT_SEED = 1000;

    public PretrainOptions {
        positive("steps", steps);
        positive("hidden", hidden);
        positive("layers", layers);
        positive("heads", heads);
        positive("intermediate", intermediate);
        positive("batch tokens", batchTokens);
        positive("horizon", horizon);
        if (hidden % heads != 0 || (hidden / heads) % 2 != 0)
            throw new InputError("pretrain: hidden " + hidden + " must split into " + heads + " heads of even size");
        if (vocab < 300) throw new InputError("pretrain: vocab must be >= 300 (3 special tokens, 256 bytes, merges), got " + vocab);
        if (!(maxMinutes >= 0)) throw new InputError("pretrain: --minutes must be >= 0, got " + maxMinutes);
        if (!(lr > 0)) throw new InputError("pretrain: learning rate must be > 0, got " + lr);
        if (warmupSteps < 0 || heldOut < 0 || weightDecay < 0) throw new InputError("pretrain: warm-up steps, held-out count and weight decay must be >= 0");
        for (double p : new double[]{plannerRight, solverRight, fixRate, soloRight, soloShare})
            if (!(p >= 0 && p <= 1)) throw new InputError("pretrain: teacher rates and the solo share must be in [0, 1], got " + p);
    }

    private static void positive(String what, int v) {
        if (v < 1) throw new InputError("pretrain: " + what + " must be >= 1, got " + v);
    }

    /** The shipped recipe (README "The embedded model"). */
    public static PretrainOptions defaults(long seed) {
        return new PretrainOptions(seed, 9600, 0, 128, 4, 4, 352, 384, 2048, 3e-3, 100, 0.01,
                0.25, 0.4, 0.15, 0.25, 0.4, false, 3, HELD_OUT_SEED, 500);
    }

    public PretrainOptions withSteps(int s) {
        return new PretrainOptions(seed, s, maxMinutes, hidden, layers, heads, intermediate, vocab, batchTokens, lr, warmupSteps, weightDecay,
                plannerRight, solverRight, fixRate, soloRight, soloShare, slips, horizon, heldOutSeed, heldOut);
    }

    public PretrainOptions withMaxMinutes(double m) {
        return new PretrainOptions(seed, steps, m, hidden, layers, heads, intermediate, vocab, batchTokens, lr, warmupSteps, weightDecay,
                plannerRight, solverRight, fixRate, soloRight, soloShare, slips, horizon, heldOutSeed, heldOut);
    }

    public PretrainOptions withLr(double l) {
        return new PretrainOptions(seed, steps, maxMinutes, hidden, layers, heads, intermediate, vocab, batchTokens, l, warmupSteps, weightDecay,
                plannerRight, solverRight, fixRate, soloRight, soloShare, slips, horizon, heldOutSeed, heldOut);
    }

    /** A different model shape and batch (tests use tiny ones). */
    public PretrainOptions withShape(int hidden, int layers, int heads, int intermediate, int batchTokens) {
        return new PretrainOptions(seed, steps, maxMinutes, hidden, layers, heads, intermediate, vocab, batchTokens, lr, warmupSteps, weightDecay,
                plannerRight, solverRight, fixRate, soloRight, soloShare, slips, horizon, heldOutSeed, heldOut);
    }

    /** The options as JSON (written into the model card and pretrain.json). */
    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }
}
