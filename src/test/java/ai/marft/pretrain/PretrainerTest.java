package ai.marft.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.marft.pretrain.Transcript;
import ai.marft.lm.LmEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A tiny pretraining run: the loss falls, and the written folder loads and scores like the trained model. */
class PretrainerTest {
    static final Path DUAL = Path.of("configs/arith_dual.json"), SOLO = Path.of("configs/arith_solo.json");

    /** hidden 32, 1 layer, 2 heads, vocabulary 320, 30 steps of 768 tokens at lr 1e-2, no warm-up; 40 held-out problems. */
    static PretrainOptions tiny(long seed, int steps) {
        return new PretrainOptions(seed, steps, 0, 32, 1, 2, 64, 320, 768, 1e-2, 0, 0, 0.4, 0.4, 0.3, 0.25, 0.3, false, 3, 1000, 40);
    }

    @TempDir
    static Path dir;
    static Pretrainer pretrainer;

    @BeforeAll
    static void build() {
        pretrainer = new Pretrainer(tiny(5, 30), dir, DUAL, SOLO);
    }

    @AfterAll
    static void close() {
        pretrainer.close();
    }

    @Test
    void fewStepsLowerTheLossOnTheSameBatchAndOnHeldOutProblems() throws IOException {
        TokenBatch batch = pretrainer.nextBatch();
        double before = pretrainer.loss(List.of(batch)), heldBefore = pretrainer.heldOutLoss();
        // a fresh model (weights N(0, 0.02)) is close to uniform over the 320 ids
        assertThat(before).isCloseTo(Math.log(320), within(0.05));
        assertThat(heldBefore).isCloseTo(Math.log(320), within(0.05));
        // every weight learns: a parameter without gradient would be left as it was by AdamW (weight decay 0)
        List<float[]> initial = pretrainer.model().parameters().stream().map(NDArray::toFloatArray).toList();
        pretrainer.trainStep(batch);
        List<NDArray> params = pretrainer.model().parameters();
        for (int j = 0; j < params.size(); j++)
            assertThat(params.get(j).toFloatArray()).as("parameter %d %s", j, params.get(j).getShape()).isNotEqualTo(initial.get(j));
        for (int i = 0; i < 7; i++) pretrainer.trainStep(batch);
        double after = pretrainer.loss(List.of(batch));
        System.err.printf("same batch: %.4f -> %.4f%n", before, after);
        assertThat(after).isLessThan(before - 1.5);

        Pretrainer.Summary s = pretrainer.train(null); // the remaining 22 planned steps, on fresh problems
        System.err.printf("held-out: %.4f -> %.4f%n", heldBefore, s.heldOutLoss());
        assertThat(s.steps()).isEqualTo(30);
        assertThat(s.heldOutLoss()).isLessThan(heldBefore - 1.5).isCloseTo(pretrainer.heldOutLoss(), within(1e-9));

        List<String> csv = Files.readAllLines(dir.resolve("loss.csv"));
        assertThat(csv).hasSize(2 + 22);
        assertThat(csv.get(0)).isEqualTo("step,seconds,lr,rows,tokens,train_loss,held_out_loss");
        assertThat(csv.getLast()).startsWith("30,");

        try (LmEngine engine = LmEngine.load(dir)) { // the written folder, loaded back
            assertThat(engine.model().config()).isEqualTo(pretrainer.model().config());
            assertThat(engine.model().config().modelType()).isEqualTo("llama");
            assertThat(engine.tokenizer().vocabSize()).isEqualTo(320);
            assertThat(engine.tokenizer().eosId()).isEqualTo(pretrainer.tokenizer().eosId());
            TokenBatch held = pretrainer.nextBatch();
            double inMemory = pretrainer.loss(List.of(held));
            double loaded;
            try (NDManager m = engine.model().manager().newSubManager()) {
                loaded = NextTokenLoss.of(engine.model(), m, held).getFloat();
            }
            assertThat(loaded).isCloseTo(inMemory, within(1e-4));
            assertThat(loaded).isCloseTo(engineLoss(engine, held), within(1e-4));
        }
    }

    /** The batch's loss through the engine's own scoring path (left padding, one sequence per row, log-probs at T = 1). */
    static double engineLoss(LmEngine engine, TokenBatch batch) {
        List<int[]> seqs = new ArrayList<>();
        for (Transcript.Tokenized t : batch.rows()) seqs.add(t.ids());
        float[][] lp = engine.logprobs(seqs, null); // lp[b][k - 1] = log p(ids[k] | ids[<k])
        double sum = 0;
        int n = 0;
        for (int b = 0; b < seqs.size(); b++) {
            Transcript.Tokenized t = batch.rows().get(b);
            for (int k = t.promptTokens(); k < t.ids().length; k++, n++) sum -= lp[b][k - 1];
        }
        assertThat(n).isEqualTo(batch.targets());
        return sum / n;
    }

    @Test
    void learningRateWarmsUpLinearlyThenFollowsACosineToATenth() {
        PretrainOptions o = new PretrainOptions(1, 110, 0, 32, 1, 2, 64, 320, 768, 1e-3, 10, 0, 0.4, 0.4, 0.3, 0.25, 0.3, false, 3, 1000, 40);
        assertThat(Pretrainer.learningRate(o, 1)).isCloseTo(1e-4, within(1e-12));
        assertThat(Pretrainer.learningRate(o, 5)).isCloseTo(5e-4, within(1e-12));
        assertThat(Pretrainer.learningRate(o, 10)).isCloseTo(1e-3, within(1e-12));
        assertThat(Pretrainer.learningRate(o, 60)).isCloseTo(0.55e-3, within(1e-12)); // half way: 0.1 + 0.9 * 0.5
        assertThat(Pretrainer.learningRate(o, 110)).isCloseTo(1e-4, within(1e-12));
    }
}
