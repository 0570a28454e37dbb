package ai.marft.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pretraining path: base parameters made trainable (outside any gradient collector) receive the
 * gradient finite differences give, on short inputs (few-row GEMV path) and long ones (matmul path,
 * also after an in-place optimizer update of the weights).
 */
class TrainableBaseTest {
    static final int[] SEQ = {3, 17, 22, 5, 40, 9, 12};
    static final int[] LONG_SEQ = {3, 17, 22, 5, 40, 9, 12, 8, 30, 2, 11, 19, 27, 6, 33, 14, 21, 4, 25, 7};

    /** Sum over positions of log p(next token), from all-position logits. */
    static NDArray nll(LmEngine e, NDManager m, int[] seq, boolean grad) {
        NDArray logp = e.model().logits(e.hiddenStates(m, List.of(seq), null, grad)).logSoftmax(2);
        int vocab = e.model().config().vocabSize();
        float[] pick = new float[seq.length * vocab];
        for (int k = 0; k + 1 < seq.length; k++) pick[k * vocab + seq[k + 1]] = 1;
        return logp.mul(m.create(pick, new Shape(1, seq.length, vocab))).sum();
    }

    @Test
    void baseGradientsAgreeWithFiniteDifferences(@TempDir Path dir) {
        checkAgainstFiniteDifferences(dir, SEQ, false);
    }

    @Test
    void longInputsAfterAnInPlaceUpdateToo(@TempDir Path dir) {
        checkAgainstFiniteDifferences(dir, LONG_SEQ, true);
    }

    private static void checkAgainstFiniteDifferences(Path dir, int[] seq, boolean updateFirst) {
        try (LmEngine e = LmEngine.load(TinyModels.write(dir, TinyModels.Flavour.LLAMA, 9))) {
            e.model().setTrainable(true);
            List<NDArray> params = e.model().parameters();
            try (NDManager m = e.model().manager().newSubManager()) {
                if (updateFirst) { // one plain gradient step in place, as an optimizer does, then zeroed
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(nll(e, m, seq, true));
                    }
                    for (NDArray p : params)
                        try (NDArray g = p.getGradient(); NDArray view = p.stopGradient()) {
                            view.subi(g.mul(1e-3f));
                            g.subi(g);
                        }
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(nll(e, m, seq, true));
                }
                int clear = 0;
                for (NDArray p : params.subList(0, 6)) { // embedding, final norm, lm_head, first block's norm/qkv/o
                    float[] grad;
                    try (NDArray g = p.getGradient()) {
                        grad = g.toFloatArray();
                    }
                    int e0 = (int) (p.getShape().size() / 3);
                    long cols = p.getShape().dimension() == 1 ? 1 : p.getShape().get(1);
                    NDIndex at = p.getShape().dimension() == 1 ? new NDIndex(e0) : new NDIndex(e0 / cols, e0 % cols);
                    float orig = p.toFloatArray()[e0];
                    double eps = 1e-2, plus, minus;
                    try (NDArray view = p.stopGradient()) {
                        view.set(at, orig + eps);
                        plus = nll(e, m, seq, false).getFloat();
                        view.set(at, orig - eps);
                        minus = nll(e, m, seq, false).getFloat();
                        view.set(at, orig);
                    }
                    double fd = (plus - minus) / (2 * eps);
                    assertThat((double) grad[e0]).as("param %s entry %d", p.getShape(), e0).isCloseTo(fd, within(3e-3 + 0.02 * Math.abs(fd)));
                    if (Math.abs(fd) > 0.02) clear++;
                }
                assertThat(clear).as("entries with a clearly non-zero gradient").isGreaterThanOrEqualTo(3);
            }
        }
    }
}
