package ai.marft.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** EMA smoothing against values worked out by hand. */
class EmaTest {
    @Test
    void debiasedAverageSkipsMissingPoints() {
        // w = 0.5: s1 = 0.5, /(1 - 0.5) = 1; s2 = 0.25 + 1.5 = 1.75, /(1 - 0.25) = 7/3;
        // NaN stays NaN and does not count; s3 = 0.875 + 2.5 = 3.375, /(1 - 0.125) = 27/7
        double[] s = Ema.smooth(new double[]{1, 3, Double.NaN, 5}, 0.5);
        assertThat(s[0]).isCloseTo(1.0, within(1e-12));
        assertThat(s[1]).isCloseTo(7.0 / 3, within(1e-12));
        assertThat(s[2]).isNaN();
        assertThat(s[3]).isCloseTo(27.0 / 7, within(1e-12));
    }

    @Test
    void weightZeroIsTheRawSeriesAndAConstantStaysConstant() {
        assertThat(Ema.smooth(new double[]{4, -2, 9}, 0)).containsExactly(4, -2, 9);
        for (double v : Ema.smooth(new double[]{0.3, 0.3, 0.3, 0.3}, 0.9)) assertThat(v).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void weightOutsideTheRangeIsRejected() {
        assertThatThrownBy(() -> Ema.smooth(new double[]{1}, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
