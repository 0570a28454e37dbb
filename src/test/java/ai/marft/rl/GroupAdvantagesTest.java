package ai.marft.rl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** GRPO group baseline against hand-computed means and sample stds. */
class GroupAdvantagesTest {
    @Test
    void groupsByProblemAgentAndTurn() {
        var a = new GroupAdvantages.Key("p1", 1, 0);
        var b = new GroupAdvantages.Key("p1", 0, 0);  // same problem, other agent: its own group
        var c = new GroupAdvantages.Key("p2", 1, 1);
        var d = new GroupAdvantages.Key("p1", 1, 1);  // same problem and agent, other turn
        double eps = 1e-6;
        double[] adv = GroupAdvantages.compute(List.of(a, b, a, c, a, c, a, d), new double[] {1, 1, 0, 0.2, 1, 0.8, 0, 0.7}, eps);
        // group a: 1, 0, 1, 0 -> mean .5, sample var (4 * .25) / 3 = 1/3, std .5773502691896258
        double sa = 0.5773502691896258 + eps;
        // group c: .2, .8 -> mean .5, sample var (.09 + .09) / 1 = .18, std .4242640687119285
        double sc = 0.4242640687119285 + eps;
        // groups b and d hold one sample each -> 0
        assertThat(adv).containsExactly(new double[] {0.5 / sa, 0, -0.5 / sa, -0.3 / sc, 0.5 / sa, 0.3 / sc, -0.5 / sa, 0}, within(1e-9));
    }
}
