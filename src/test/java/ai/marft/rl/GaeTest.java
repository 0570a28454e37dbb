package ai.marft.rl;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** GAE against tables computed by hand from MARFT.md §5 (each δ and A written out in the comments). */
class GaeTest {
    private static final double EPS = 1e-12;

    @Test
    void twoAgentsThreeStepsEpisodeEndsInTheMiddleAndBootstrapAtTheEnd() {
        // γ = λ = 0.5 (γλ = 0.25). env 0: episode ends after step 1, env resets, step 2 is a new
        // episode whose last agent bootstraps from V_{T+1,1} = 0.8.
        // env 1: no intermediate end, episode ends at step 2 -> bootstrap never read (left unset).
        ActionBuffer b = new ActionBuffer(3, 2, 2);
        double[][][] v = {{{0.2, 0.4}, {1.0, 0.5}}, {{0.6, 1.0}, {0.0, 0.5}}, {{0.4, 0.8}, {1.0, 0.0}}};
        double[][][] r = {{{0, 0}, {0.5, 0}}, {{0, 1}, {0, 0}}, {{0, 0}, {0, 1}}};
        fill(b, v, r);
        b.setDone(1, 0, true);
        b.setDone(2, 1, true);
        b.setBootstrapValue(0, 0.8);

        Gae.ActionEstimates est = Gae.actionLevel(b, 0.5, 0.5);
        // env 0, backwards:
        // (2,1) δ = 0 + .5*.8*1 - .8 = -.4            A = -.4
        // (2,0) δ = 0 + .5*.8 - .4 = 0                A = 0 + .25*(-.4) = -.1
        // (1,1) done: δ = 1 + 0 - 1.0 = 0             A = 0 (nothing carried over the reset)
        // (1,0) δ = 0 + .5*1.0 - .6 = -.1             A = -.1 + .25*0 = -.1
        // (0,1) δ = 0 + .5*.6 - .4 = -.1              A = -.1 + .25*(-.1) = -.125
        // (0,0) δ = 0 + .5*.4 - .2 = 0                A = .25*(-.125) = -.03125
        double[][] adv0 = {{-0.03125, -0.125}, {-0.1, 0.0}, {-0.1, -0.4}};
        double[][] ret0 = {{0.16875, 0.275}, {0.5, 1.0}, {0.3, 0.4}};
        // env 1, backwards:
        // (2,1) done: δ = 1 - 0 = 1                   A = 1
        // (2,0) δ = 0 + .5*0 - 1 = -1                 A = -1 + .25*1 = -.75
        // (1,1) δ = 0 + .5*1 - .5 = 0                 A = .25*(-.75) = -.1875
        // (1,0) δ = 0 + .5*.5 - 0 = .25               A = .25 + .25*(-.1875) = .203125
        // (0,1) δ = 0 + .5*0 - .5 = -.5               A = -.5 + .25*.203125 = -.44921875
        // (0,0) δ = .5 + .5*.5 - 1 = -.25             A = -.25 + .25*(-.44921875) = -.3623046875
        double[][] adv1 = {{-0.3623046875, -0.44921875}, {0.203125, -0.1875}, {-0.75, 1.0}};
        double[][] ret1 = {{0.6376953125, 0.05078125}, {0.203125, 0.3125}, {0.25, 1.0}};
        assertEnv(est, 0, adv0, ret0);
        assertEnv(est, 1, adv1, ret1);
    }

    @Test
    void threeAgentsTwoStepsWithAndWithoutAnEndAfterTheFirstStep() {
        // γ = 1, λ = .5 (γλ = .5); V_{T+1,1} = 2. env 0 runs on; env 1's episode ends after step 0.
        ActionBuffer b = new ActionBuffer(2, 2, 3);
        double[][][] v = {{{1, 2, 3}, {1, 2, 3}}, {{0, 1, 2}, {0, 1, 2}}};
        double[][][] r = {{{0, 0, 1}, {0, 0, 1}}, {{0, 0, 2}, {0, 0, 2}}};
        fill(b, v, r);
        b.setDone(0, 1, true);
        b.setBootstrapValue(0, 2.0);
        b.setBootstrapValue(1, 2.0);

        Gae.ActionEstimates est = Gae.actionLevel(b, 1.0, 0.5);
        // both envs, step 1: (1,2) δ = 2 + 2 - 2 = 2, A = 2; (1,1) δ = 0 + 2 - 1 = 1, A = 1 + .5*2 = 2;
        //                    (1,0) δ = 0 + 1 - 0 = 1, A = 1 + .5*2 = 2
        // env 0, step 0: (0,2) δ = 1 + 0 - 3 = -2, A = -2 + .5*2 = -1; (0,1) δ = 3 - 2 = 1, A = 1 - .5 = .5;
        //                (0,0) δ = 2 - 1 = 1, A = 1 + .5*.5 = 1.25
        // env 1, step 0 (episode ended): (0,2) δ = 1 - 3 = -2, A = -2; (0,1) δ = 3 - 2 = 1, A = 1 - 1 = 0;
        //                (0,0) δ = 2 - 1 = 1, A = 1 + 0 = 1
        // Step 1 of env 1 is the first step of a new episode: agents 0->1->2 still chain (A = 2, 2, 2).
        // The reference masks (0,1)->(1,... ) by the previous step's done and would give A(1,0) = 0 there.
        assertEnv(est, 0, new double[][] {{1.25, 0.5, -1}, {2, 2, 2}}, new double[][] {{2.25, 2.5, 2}, {2, 3, 4}});
        assertEnv(est, 1, new double[][] {{1, 0, -2}, {2, 2, 2}}, new double[][] {{2, 2, 1}, {2, 3, 4}});
    }

    @Test
    void tokenLevelWithVariableLengthsAndAnEpisodeEnd() {
        // γ = λ = .5; 2 agents, 2 steps, max 3 tokens; the episode ends after step 0; V_{T+1,1} = 1.
        TokenBuffer b = new TokenBuffer(2, 1, 2, 3);
        b.record(0, 0, 0, 2, new float[] {0.2f, 0.4f, 9f}, new float[] {-1, -1, 9f}); // padded input, only 2 read
        b.record(0, 0, 1, 1, new float[] {0.8f}, new float[] {-1});
        b.record(1, 0, 0, 1, new float[] {0.0f}, new float[] {-1});
        b.record(1, 0, 1, 3, new float[] {0.4f, 0.6f, 0.8f}, new float[] {-1, -1, -1});
        b.setReward(0, 0, 0, 0);
        b.setReward(0, 0, 1, 1);
        b.setReward(1, 0, 0, 0);
        b.setReward(1, 0, 1, 0.5);
        b.setDone(0, 0, true);
        b.setBootstrapValue(0, 1.0);

        Gae.TokenEstimates est = Gae.tokenLevel(b, 0.5, 0.5);
        // (t1,a1,k2) last token of the last agent: δ = .5 + .5*1 - .8 = .2        A = .2
        // (t1,a1,k1) inside:  δ = .5*.8 - .6 = -.2                              A = -.2 + .25*.2 = -.15
        // (t1,a1,k0) inside:  δ = .5*.6 - .4 = -.1                              A = -.1 + .25*(-.15) = -.1375
        // (t1,a0,k0) last token, next agent's first token: δ = 0 + .5*.4 - 0 = .2 A = .2 + .25*(-.1375) = .165625
        // (t0,a1,k0) last agent, episode ended: δ = 1 - .8 = .2                 A = .2
        // (t0,a0,k1) last token: δ = 0 + .5*.8 - .4 = 0                         A = .25*.2 = .05
        // (t0,a0,k0) inside:  δ = .5*.4 - .2 = 0                                A = .25*.05 = .0125
        double[][][] adv = {{{0.0125, 0.05, 0}, {0.2, 0, 0}}, {{0.165625, 0, 0}, {-0.1375, -0.15, 0.2}}};
        double[][][] ret = {{{0.2125, 0.45, 0}, {1.0, 0, 0}}, {{0.165625, 0, 0}, {0.2625, 0.45, 1.0}}};
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < 3; k++) {
                    // float inputs (0.2f etc.) carry ~1e-8 representation error
                    assertThat(est.advantages()[t][0][i][k]).as("A t%d i%d k%d", t, i, k).isCloseTo(adv[t][i][k], within(1e-7));
                    assertThat(est.returns()[t][0][i][k]).as("R t%d i%d k%d", t, i, k).isCloseTo(ret[t][i][k], within(1e-7));
                }
            }
        }
    }

    @Test
    void tokenLevelWithOneTokenActionsEqualsActionLevel() {
        Random rng = new Random(7);
        int steps = 4, envs = 3, agents = 3;
        ActionBuffer a = new ActionBuffer(steps, envs, agents);
        TokenBuffer tb = new TokenBuffer(steps, envs, agents, 5);
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < envs; e++) {
                for (int i = 0; i < agents; i++) {
                    float v = rng.nextFloat(), r = rng.nextInt(3) == 0 ? rng.nextFloat() : 0f;
                    a.record(t, e, i, v, -1);
                    tb.record(t, e, i, 1, new float[] {v}, new float[] {-1});
                    a.setReward(t, e, i, r);
                    tb.setReward(t, e, i, r);
                }
                boolean done = rng.nextBoolean();
                a.setDone(t, e, done);
                tb.setDone(t, e, done);
            }
        }
        for (int e = 0; e < envs; e++) {
            a.setBootstrapValue(e, 0.3 * e);
            tb.setBootstrapValue(e, 0.3 * e);
        }
        Gae.ActionEstimates x = Gae.actionLevel(a, 0.99, 0.95);
        Gae.TokenEstimates y = Gae.tokenLevel(tb, 0.99, 0.95);
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++)
                for (int i = 0; i < agents; i++) {
                    assertThat(y.advantages()[t][e][i][0]).isEqualTo(x.advantages()[t][e][i]);
                    assertThat(y.returns()[t][e][i][0]).isEqualTo(x.returns()[t][e][i]);
                }
    }

    @Test
    void refusesHolesAndAMissingBootstrap() {
        ActionBuffer b = new ActionBuffer(1, 1, 2);
        b.record(0, 0, 0, 0.1, -1);
        b.setReward(0, 0, 0, 0);
        b.setReward(0, 0, 1, 0);
        assertThatThrownBy(() -> Gae.actionLevel(b, 0.9, 0.9)).hasMessage("value not recorded at step 0 env 0 agent 1");
        b.record(0, 0, 1, 0.1, -1);
        assertThatThrownBy(() -> Gae.actionLevel(b, 0.9, 0.9))
                .hasMessageContaining("bootstrap value of env 0 not recorded");
        b.setDone(0, 0, true);
        assertThat(Gae.actionLevel(b, 0.9, 0.9).advantages()[0][0][1]).isCloseTo(-0.1, within(EPS));
        assertThatThrownBy(() -> Gae.actionLevel(b, 1.5, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.record(0, 0, 1, Double.NaN, -1)).hasMessage("value must be finite, got NaN at step 0 env 0 agent 1");
        assertThatThrownBy(() -> b.setBootstrapValue(0, Double.POSITIVE_INFINITY)).hasMessage("bootstrap value must be finite, got Infinity for env 0");
        TokenBuffer tb = new TokenBuffer(1, 1, 1, 4);
        assertThatThrownBy(() -> tb.record(0, 0, 0, 5, new float[5], new float[5])).hasMessageContaining("5 tokens");
        assertThatThrownBy(() -> Gae.tokenLevel(tb, 0.9, 0.9)).hasMessage("action not recorded at step 0 env 0 agent 0");
    }

    private static void fill(ActionBuffer b, double[][][] v, double[][][] r) {
        for (int t = 0; t < v.length; t++)
            for (int e = 0; e < v[t].length; e++)
                for (int i = 0; i < v[t][e].length; i++) {
                    b.record(t, e, i, v[t][e][i], -1.0);
                    b.setReward(t, e, i, r[t][e][i]);
                }
    }

    private static void assertEnv(Gae.ActionEstimates est, int e, double[][] adv, double[][] ret) {
        for (int t = 0; t < adv.length; t++)
            for (int i = 0; i < adv[t].length; i++) {
                assertThat(est.advantages()[t][e][i]).as("A t%d e%d i%d", t, e, i).isCloseTo(adv[t][i], within(EPS));
                assertThat(est.returns()[t][e][i]).as("R t%d e%d i%d", t, e, i).isCloseTo(ret[t][i], within(EPS));
            }
    }

    @Test
    void perTokenRewardsEnterAtTheirTokens() {
        // one env, one step, one agent of two tokens; values 0.5, 0.2; reward 1 at the last token; per-token
        // terms -0.1, -0.2 (a KL penalty); episode ends; gamma = lambda = 1:
        //   token 1: delta = (1 - 0.2) - 0.2 = 0.6                 A1 = 0.6,  R1 = 0.8
        //   token 0: delta = -0.1 + 0.2 - 0.5 = -0.4, A0 = -0.4 + 0.6 = 0.2,  R0 = 0.7
        TokenBuffer b = new TokenBuffer(1, 1, 1, 3);
        b.record(0, 0, 0, 2, new float[] {0.5f, 0.2f}, new float[] {-1f, -1f});
        b.setReward(0, 0, 0, 1);
        b.setTokenRewards(0, 0, 0, new double[] {-0.1, -0.2});
        b.setDone(0, 0, true);
        Gae.TokenEstimates est = Gae.tokenLevel(b, 1, 1);
        assertThat(est.advantages()[0][0][0][1]).isCloseTo(0.6, within(1e-6));
        assertThat(est.advantages()[0][0][0][0]).isCloseTo(0.2, within(1e-6));
        assertThat(est.returns()[0][0][0][0]).isCloseTo(0.7, within(1e-6));
    }
}
