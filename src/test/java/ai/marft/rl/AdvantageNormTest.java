package ai.marft.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Normalisation against hand-computed mean and population std. */
class AdvantageNormTest {
    @Test
    void populationStdOverValidEntriesOnly() {
        // valid: 1, 2, 3, 4 -> mean 2.5, squared deviations 2.25 + .25 + .25 + 2.25 = 5, /4 = 1.25,
        // std = sqrt(1.25) = 1.118033988749895; the invalid 100 and the genuine 0 below change nothing / count
        double std = 1.118033988749895, eps = 1e-3;
        double[] out = AdvantageNorm.normalize(new double[] {1, 100, 2, 3, 4}, new boolean[] {true, false, true, true, true}, eps);
        double s = std + eps;
        assertThat(out).containsExactly(new double[] {-1.5 / s, 0, -0.5 / s, 0.5 / s, 1.5 / s}, within(1e-12));
        // an exact zero is a valid advantage (the reference's NaN trick would drop it):
        // 0, 2 -> mean 1, std 1
        assertThat(AdvantageNorm.normalize(new double[] {0, 2}, new boolean[] {true, true}, 0))
                .containsExactly(new double[] {-1, 1}, within(1e-12));
    }

    @Test
    void tokenShapeUsesLengthsAndActionShapeUsesAll() {
        // token level: [t=1][e=1][i=2][k=3], lengths 1 and 3 -> valid 4, 2, 4, 6 (the 9s are padding)
        // mean 4, deviations 0, 4, 0, 4 -> var 2, std sqrt 2
        double[][][][] adv = {{{{4, 9, 9}, {2, 4, 6}}}};
        double[][][][] out = AdvantageNorm.normalize(adv, new int[][][] {{{1, 3}}}, 0);
        double r2 = Math.sqrt(2);
        assertThat(out[0][0][0]).containsExactly(new double[] {0, 0, 0}, within(1e-12));
        assertThat(out[0][0][1]).containsExactly(new double[] {-2 / r2, 0, 2 / r2}, within(1e-12));
        // action level: 1, 3 / 5, 7 -> mean 4, var (9 + 1 + 1 + 9)/4 = 5
        double[][][] a = AdvantageNorm.normalize(new double[][][] {{{1, 3}}, {{5, 7}}}, 0);
        double r5 = Math.sqrt(5);
        assertThat(a[0][0]).containsExactly(new double[] {-3 / r5, -1 / r5}, within(1e-12));
        assertThat(a[1][0]).containsExactly(new double[] {1 / r5, 3 / r5}, within(1e-12));
    }

    @Test
    void singleValidEntryBecomesZeroAndNoneIsAnError() {
        assertThat(AdvantageNorm.normalize(new double[] {5}, new boolean[] {true}, AdvantageNorm.REFERENCE_EPS)).containsExactly(0.0);
        assertThatThrownBy(() -> AdvantageNorm.normalize(new double[] {5}, new boolean[] {false}, 1e-8))
                .hasMessage("no valid advantage to normalise");
    }
}
