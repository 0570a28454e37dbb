package ai.marft.lm.decode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernels' exp against Math.exp in float64, over the range softmax and SiLU use. */
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
}
