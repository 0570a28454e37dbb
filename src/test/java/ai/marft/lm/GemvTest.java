package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The single-row product over a tensor's own memory against a float64 reference, odd sizes included. */
class GemvTest {
    @Test
    void matchesAFloat64ProductForShapesThatDoNotFillTheVectors() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] shape : new int[][]{{7, 5}, {4, 16}, {13, 37}, {64, 896}, {1, 1}}) {
                int out = shape[0], in = shape[1];
                float[] w = new float[out * in], x = new float[in];
                for (int k = 0; k < w.length; k++) w[k] = (float) r.nextGaussian();
                for (int k = 0; k < in; k++) x[k] = (float) r.nextGaussian();
                NDArray weight = Owned.of(m.create(w, new Shape(out, in)));
                Gemv g = Gemv.over(weight);
                assertThat(g).as("a contiguous float32 tensor hands out its buffer").isNotNull();
                float[] y = g.times(x);
                assertThat(y).hasSize(out);
                for (int o = 0; o < out; o++) {
                    double want = 0, scale = 0;
                    for (int i = 0; i < in; i++) {
                        want += (double) w[o * in + i] * x[i];
                        scale += Math.abs((double) w[o * in + i] * x[i]);
                    }
                    assertThat((double) y[o]).as("%dx%d row %d", out, in, o).isCloseTo(want, within(1e-6 * scale + 1e-7));
                }
            }
        }
    }

    @Test
    void twoTensorThreadsSplitTheRowsAndGiveTheSameProduct() {
        Random r = new Random(4);
        int out = 4103, in = 48; // slices of whole four-row blocks plus a ragged end
        float[] w = new float[out * in], x = new float[in];
        for (int k = 0; k < w.length; k++) w[k] = (float) r.nextGaussian();
        for (int k = 0; k < in; k++) x[k] = (float) r.nextGaussian();
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try (NDManager m = NDManager.newBaseManager()) {
            Gemv g = Gemv.over(Owned.of(m.create(w, new Shape(out, in))));
            LmEngine.setThreads(1);
            float[] one = g.times(x);
            LmEngine.setThreads(2);
            assertThat(g.times(x)).containsExactly(one);
        } finally {
            LmEngine.setThreads(before);
        }
    }

    @Test
    void readsTheTensorInPlace() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weight = Owned.of(m.create(new float[]{1, 2, 3, 4, 5, 6}, new Shape(2, 3)));
            Gemv g = Gemv.over(weight);
            weight.muli(2); // an in-place change of the tensor shows in the product: no copy was taken
            assertThat(g.times(new float[]{1, 1, 1})).containsExactly(12f, 30f);
        }
    }

    @Test
    void refusesWhatItCannotRead() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(Gemv.over(m.ones(new Shape(2, 3)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false))).isNull();
            assertThat(Gemv.over(m.ones(new Shape(2, 3, 4)))).isNull();
        }
    }
}
