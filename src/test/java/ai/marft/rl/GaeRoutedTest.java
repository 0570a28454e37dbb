package ai.marft.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * GAE over each environment's realised acting order when a router leaves agents out (Flex-MG dynamic
 * D). Agents: router 0, planner 1, solver 2; T = 2 steps, 2 environments that took different routes:
 * <pre>
 *   env 0: step 0 router, planner, solver (r = 0, 0, 1), not done;  step 1 router, solver (r = 0, 0), done
 *   env 1: step 0 router, solver (r = 0, 1), done;                   step 1 router, planner, solver (r = 0, 0, 0.5), not done, bootstrap 0.8
 * </pre>
 * With γ = 0.5, λ = 1 the advantage telescopes to A_j = G_j − V_j, G_j = r_j + γ·c_j·G_{j+1} (G after the
 * last decision: the bootstrap value, cut by done). Hand-computed:
 * <pre>
 *   env 0 (V .1 .2 .3 | .4 .5): G = .25 .5 1 | 0 0            A = .15 .3 .7 | −.4 −.5
 *   env 1 (V .6 .7 | .1 .2 .3): G = .5 1 | .225 .45 .9        A = −.1 .3 | .125 .25 .6
 * </pre>
 * (env 1: G(solver, t=1) = .5 + .5·.8 = .9; G(router, t=0) = 0 + .5·1 = .5, the done after step 0
 * cuts .225 off.)
 */
class GaeRoutedTest {
    private static final double GAMMA = 0.5, LAMBDA = 1.0;
    // [t][e][i] values, NaN where the agent did not act
    private static final double N = Double.NaN;
    private static final double[][][] V = {{{.1, .2, .3}, {.6, N, .7}}, {{.4, N, .5}, {.1, .2, .3}}};
    private static final double[][][] R = {{{0, 0, 1}, {0, 0, 1}}, {{0, 0, 0}, {0, 0, .5}}};
    private static final boolean[][] DONE = {{false, true}, {true, false}};

    private static ActionBuffer actionBuffer() {
        ActionBuffer b = new ActionBuffer(2, 2, 3);
        for (int t = 0; t < 2; t++)
            for (int e = 0; e < 2; e++) {
                for (int i = 0; i < 3; i++) {
                    boolean acted = !Double.isNaN(V[t][e][i]);
                    b.setActed(t, e, i, acted);
                    if (acted) b.record(t, e, i, V[t][e][i], -1.0);
                    b.setReward(t, e, i, R[t][e][i]);
                }
                b.setDone(t, e, DONE[t][e]);
            }
        b.setBootstrapValue(0, 9.0); // env 0 ended: never read
        b.setBootstrapValue(1, 0.8);
        return b;
    }

    @Test
    void actionLevelFollowsEachEnvironmentsRoute() {
        Gae.ActionEstimates est = Gae.actionLevel(actionBuffer(), GAMMA, LAMBDA);
        double[][][] a = est.advantages(), g = est.returns();
        double[][] env0 = {{.15, .3, .7}, {-.4, 0, -.5}}, env1 = {{-.1, 0, .3}, {.125, .25, .6}};
        double[][] ret0 = {{.25, .5, 1}, {0, 0, 0}}, ret1 = {{.5, 0, 1}, {.225, .45, .9}};
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < 3; i++) {
                assertThat(a[t][0][i]).as("A env 0 t %d agent %d", t, i).isCloseTo(env0[t][i], within(1e-12));
                assertThat(a[t][1][i]).as("A env 1 t %d agent %d", t, i).isCloseTo(env1[t][i], within(1e-12));
                assertThat(g[t][0][i]).as("R env 0 t %d agent %d", t, i).isCloseTo(ret0[t][i], within(1e-12));
                assertThat(g[t][1][i]).as("R env 1 t %d agent %d", t, i).isCloseTo(ret1[t][i], within(1e-12));
            }
    }

    @Test
    void withLambdaBelowOneTheAbsentDecisionIsSkippedNotZeroed() {
        // env 1, λ = 0.5: backwards over (router .6, solver .7 | router .1, planner .2, solver .3)
        // solver t1: δ = .5 + .5·.8 − .3 = .6, A = .6;  planner t1: δ = .5·.3 − .2 = −.05, A = −.05 + .25·.6 = .1
        // router t1: δ = .5·.2 − .1 = 0, A = 0 + .25·.1 = .025;  solver t0: δ = 1 − .7 = .3 (done), A = .3
        // router t0: δ = .5·.7 − .6 = −.25, A = −.25 + .25·.3 = −.175
        Gae.ActionEstimates est = Gae.actionLevel(actionBuffer(), GAMMA, 0.5);
        double[][] want = {{-.175, 0, .3}, {.025, .1, .6}};
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < 3; i++) assertThat(est.advantages()[t][1][i]).as("t %d agent %d", t, i).isCloseTo(want[t][i], within(1e-12));
    }

    @Test
    void tokenLevelFollowsTheSameRoutes() {
        // as the action level, but env 0's planner at step 0 takes two tokens with values .2 and .25:
        // its last token G = 0 + .5·G(solver) = .5, A = .25; its first G = .5·.5 = .25, A = .05;
        // the router before it G = .5·.25 = .125, A = .025. Everything after it is unchanged.
        TokenBuffer b = new TokenBuffer(2, 2, 3, 2);
        for (int t = 0; t < 2; t++)
            for (int e = 0; e < 2; e++) {
                for (int i = 0; i < 3; i++) {
                    boolean acted = !Double.isNaN(V[t][e][i]);
                    b.setActed(t, e, i, acted);
                    if (acted) {
                        boolean two = t == 0 && e == 0 && i == 1;
                        b.record(t, e, i, two ? 2 : 1, two ? new float[] {.2f, .25f} : new float[] {(float) V[t][e][i]}, new float[] {-1, -1});
                    }
                    b.setReward(t, e, i, R[t][e][i]);
                }
                b.setDone(t, e, DONE[t][e]);
            }
        b.setBootstrapValue(0, 9.0);
        b.setBootstrapValue(1, 0.8);
        Gae.TokenEstimates est = Gae.tokenLevel(b, GAMMA, LAMBDA);
        double[][][] a = est.advantages()[0];
        assertThat(a[0][0][0]).isCloseTo(.025, within(1e-6));
        assertThat(a[0][1][0]).isCloseTo(.05, within(1e-6));
        assertThat(a[0][1][1]).isCloseTo(.25, within(1e-6));
        assertThat(a[0][2][0]).isCloseTo(.7, within(1e-6));
        assertThat(est.advantages()[1][0][1][0]).as("absent").isZero();
        assertThat(est.advantages()[1][0][2][0]).isCloseTo(-.5, within(1e-6));
        double[] env1 = {-.1, 0, .3, .125, .25, .6};
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < 3; i++) assertThat(est.advantages()[t][1][i][0]).as("env 1 t %d agent %d", t, i).isCloseTo(env1[3 * t + i], within(1e-6));
    }

    @Test
    void aRewardAtAnAbsentDecisionIsRefused() {
        ActionBuffer b = actionBuffer();
        b.setReward(1, 0, 1, 0.3);
        assertThatThrownBy(() -> Gae.actionLevel(b, GAMMA, LAMBDA)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("absent decision, step 1 env 0 agent 1");
    }

    @Test
    void normalisationLeavesAbsentDecisionsOut() {
        double[][][] adv = {{{1, 100}}, {{3, 5}}};
        boolean[][][] acted = {{{true, false}}, {{true, true}}};
        double[][][] n = AdvantageNorm.normalize(adv, acted, 0);
        // mean of 1, 3, 5 = 3, population std sqrt(8/3)
        double s = Math.sqrt(8.0 / 3);
        assertThat(n[0][0][0]).isCloseTo(-2 / s, within(1e-12));
        assertThat(n[0][0][1]).isZero();
        assertThat(n[1][0][1]).isCloseTo(2 / s, within(1e-12));
    }
}
