package ai.marft.lm.decode;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernels' exp against Math.exp in float64, over the range softmax and SiLU use; the products against float64. */
class KernelsTest {
    @Test
    void expIsWithinTwoUlpOfTheTrueValue() {
        int n = 20_001;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) x[i] = -87f + 175f * i / (n - 1);
        Kernels.exp(x, 0, y, 0, n, 1f, 0f); // vector part and a scalar tail of n % lanes values
        for (int i = 0; i < n; i++) {
            double truth = Math.exp(x[i]);
            assertThat(Math.abs(y[i] - truth)).as("exp(%s) = %s", x[i], y[i]).isLessThanOrEqualTo(2 * Math.ulp((float) truth));
        }
    }

    @Test
    void expAppliesScaleAndShiftAndClampsTheArgument() {
        float[] x = {1f, 2f, -3f, 0f, 1000f, -1000f, 0.5f, 7f, 9f}, y = new float[x.length];
        Kernels.exp(x, 0, y, 0, x.length, -1f, 0.25f);
        for (int i = 0; i < 4; i++) assertThat((double) y[i]).isCloseTo(Math.exp(0.25 - x[i]), org.assertj.core.api.Assertions.withinPercentage(1e-4));
        assertThat(y[4]).isPositive().isLessThan(1e-37f);   // e^-999.75 clamped to e^-87.3
        assertThat(y[5]).isFinite().isGreaterThan(1e38f);   // e^1000.25 clamped to e^88.3
    }

    /**
     * The packed product against float64 and against the in-place one, for row counts and output ranges
     * that use every block and tail (out 147 = two panels of 64 and one of 19; with 16 lanes, 19 = one
     * vector and 3 scalars; 7 rows = 4 + 3); a row's numbers are the same bits whatever the other rows and
     * the output range of the pass (ranges cut inside a panel included).
     */
    @Test
    void packedProductMatchesFloat64AndDoesNotDependOnTheBatch() {
        int out = 147, in = 37, rows = 7;
        Random r = new Random(3);
        MemorySegment w = Arena.ofAuto().allocate((long) out * in * Float.BYTES);
        var le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < out * in; k++) w.setAtIndex(le, k, (float) r.nextGaussian());
        float[] x = new float[rows * in];
        for (int k = 0; k < x.length; k++) x[k] = (float) r.nextGaussian();
        float[] wp = Kernels.pack(w, out, in), y = new float[rows * out], yRow = new float[rows * out], yIn = new float[rows * out];
        Kernels.matmulPacked(wp, in, out, x, 0, rows, y, 0, out, 0, out);
        Kernels.matmul(w, in, x, 0, rows, yIn, 0, out, 0, out, new float[Kernels.SCRATCH]);
        for (int b = 0; b < rows; b++) Kernels.matmulPacked(wp, in, out, x, b * in, 1, yRow, b * out, out, 0, 40); // one row at a time, in three ranges
        for (int b = 0; b < rows; b++) Kernels.matmulPacked(wp, in, out, x, b * in, 1, yRow, b * out, out, 40, 131);
        for (int b = 0; b < rows; b++) Kernels.matmulPacked(wp, in, out, x, b * in, 1, yRow, b * out, out, 131, out);
        assertThat(yRow).isEqualTo(y);
        for (int b = 0; b < rows; b++)
            for (int o = 0; o < out; o++) {
                double ref = 0;
                for (int i = 0; i < in; i++) ref += (double) Kernels.get(w, (long) o * in + i) * x[b * in + i];
                assertThat((double) y[b * out + o]).as("row %d output %d", b, o).isCloseTo(ref, org.assertj.core.api.Assertions.within(1e-5));
                assertThat(y[b * out + o]).isCloseTo(yIn[b * out + o], org.assertj.core.api.Assertions.within(1e-5f));
            }
    }
}
