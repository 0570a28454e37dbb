package ai.marft.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The KL-to-base reward penalty against hand-computed values. */
class KlPenaltyTest {
    @Test
    void applyPenalisesEachDecision() {
        // 2 steps x 2 envs x 2 agents
        double[][][] r = {{{0, 1}, {0, 0}}, {{0, 1}, {0, 0.5}}};
        double[][][] kl = {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}};
        double[][][] out = KlPenalty.apply(r, kl, 0.1);
        double[][][] expected = {{{-0.1, 0.8}, {-0.3, -0.4}}, {{-0.5, 0.4}, {-0.7, -0.3}}};
        for (int t = 0; t < 2; t++)
            for (int e = 0; e < 2; e++)
                for (int i = 0; i < 2; i++) assertThat(out[t][e][i]).as("t%d e%d i%d", t, e, i).isCloseTo(expected[t][e][i], within(1e-12));
        assertThat(r[0][0][1]).as("input untouched").isEqualTo(1.0);
    }
}
