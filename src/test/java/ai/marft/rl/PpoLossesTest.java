package ai.marft.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** PPO losses: exact values on hand-computed inputs (float64) and finite-difference gradients. */
class PpoLossesTest {
    private static final PpoLosses LOSSES = new PpoLosses(0.2, 0.01, 0.5, true, 1.0);

    @Test
    void policyLossWithRatiosInsideAndOutsideTheClipRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] logRatio = {Math.log(1.5), Math.log(0.5), Math.log(1.1), Math.log(1.5), Math.log(3)};
            double[] old = {-1, -2, -0.5, -3, -1};
            double[] newLp = new double[5];
            for (int j = 0; j < 5; j++) newLp[j] = old[j] + logRatio[j];
            PpoLosses.PolicyTerms p = LOSSES.policy(m.create(newLp), m.create(old), m.create(new double[] {2, -1, -3, -1, 100}),
                    m.create(new double[] {1, 2, 0.5, 0.5, 7}), m.create(new double[] {1, 1, 1, 1, 0}));
            // r=1.5, A=2:  rA=3,    clip 1.2*2=2.4    -> min 2.4  (clipped)
            // r=0.5, A=-1: rA=-.5,  clip .8*-1=-.8    -> min -.8  (clipped)
            // r=1.1, A=-3: rA=-3.3, clip 1.1*-3=-3.3  -> -3.3
            // r=1.5, A=-1: rA=-1.5, clip 1.2*-1=-1.2  -> min -1.5 (pessimistic: unclipped)
            // r=3 is masked out. mean = (2.4 - .8 - 3.3 - 1.5)/4 = -.8; entropy mean (1+2+.5+.5)/4 = 1
            // loss = .8 - .01*1 = .79
            assertThat(scalar(p.loss())).isCloseTo(0.79, within(1e-12));
            double kl = ((0.5 - Math.log(1.5)) * 2 + (-0.5 + Math.log(2)) + (0.1 - Math.log(1.1))) / 4;
            assertThat(p.approxKl()).isCloseTo(kl, within(1e-12)); // 0.0967266963...
            assertThat(p.clipFraction()).isEqualTo(0.75);        // 1.5, 0.5, 1.5 lie outside [0.8, 1.2]
            assertThat(p.entropy()).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void valueLossHuberHandlesLargeNegativeErrorsAndClipsValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray newV = m.create(new double[] {0.1, 1.0, 0.5, 0.3, 5});
            NDArray oldV = m.create(new double[] {0, 0, 1, 0, 0});
            NDArray ret = m.create(new double[] {0.5, -3, 1.2, 2.0, 100});
            NDArray mask = m.create(new double[] {1, 1, 1, 1, 0});
            // clip ε=.2, δ=1:
            // 1: Vclip=.1;  e=.4 both                  -> ½·.16 = .08
            // 2: Vclip=.2;  e=-4 -> 1·(4-.5)=3.5, e=-3.2 -> 2.7         -> 3.5 (reference: 0)
            // 3: Vclip=.8;  e=.7 -> .245, e=.4 -> .08                   -> .245
            // 4: Vclip=.2;  e=1.7 -> 1.2, e=1.8 -> 1.3                  -> 1.3
            // mean (.08 + 3.5 + .245 + 1.3)/4 = 1.28125, times coef .5 = .640625
            assertThat(scalar(LOSSES.value(newV, oldV, ret, mask))).isCloseTo(0.640625, within(1e-12));
            // ½e²: 2: max(8, 5.12) = 8; 4: max(1.445, 1.62) = 1.62 -> (.08 + 8 + .245 + 1.62)/4 * .5 = 1.243125
            PpoLosses mse = new PpoLosses(0.2, 0.01, 0.5, false, 0);
            assertThat(scalar(mse.value(newV, oldV, ret, mask))).isCloseTo(1.243125, within(1e-12));
            // Huber alone, both signs: e = -4, -.5, 0, .5, 4 with δ = 1
            assertThat(PpoLosses.huber(m.create(new double[] {-4, -0.5, 0, 0.5, 4}), 1.0).toDoubleArray())
                    .containsExactly(new double[] {3.5, 0.125, 0, 0.125, 3.5}, within(1e-12));
        }
    }

    @Test
    void tokenLevelShapesAndBadInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            // [B=1, N=2, K=2]; agent 1's second token is padding (its huge values must not count)
            Shape s = new Shape(1, 2, 2);
            NDArray lp = m.create(new double[] {-1, -1, -1, -1}, s);
            NDArray adv = m.create(new float[] {1, -2, 3, 1000}, s);                 // float32 next to float64: converted
            NDArray ent = m.create(new double[] {0.3, 0.3, 0.6, 1000}, s);
            NDArray mask = m.create(new boolean[] {true, true, true, false}, s);  // boolean masks are accepted
            // r = 1 everywhere: loss = -(1 - 2 + 3)/3 - .01 * (.3 + .3 + .6)/3 = -.6666... - .004
            assertThat(scalar(LOSSES.policy(lp, lp, adv, ent, mask).loss())).isCloseTo(-2.0 / 3 - 0.004, within(1e-12));
            assertThatThrownBy(() -> LOSSES.policy(lp, lp, adv.reshape(4), ent, mask))
                    .hasMessage("shape of advantages is (4), expected (1, 2, 2)");
            NDArray none = m.zeros(s, DataType.FLOAT64);
            assertThatThrownBy(() -> LOSSES.policy(lp, lp, adv, ent, none)).hasMessage("the mask selects no entry");
        }
    }

    @Test
    void policyGradientMatchesFiniteDifferences() {
        double[] old = {-1.0, -0.7, -2.0, -1.5, -0.2, -0.9};
        double[] logRatio = {0.3, -0.4, 0.05, -0.1, 0.5, 0.15};  // ratios 1.35, .67, 1.05, .90, 1.65, 1.16: none on a clip edge
        double[] newLp = new double[old.length];
        for (int j = 0; j < old.length; j++) newLp[j] = old[j] + logRatio[j];
        double[] adv = {1.5, -0.8, 0.3, 2.0, -1.1, -0.4};
        double[] ent = {0.9, 1.3, 0.2, 0.7, 2.2, 0.5};
        double[] mask = {1, 1, 1, 0, 1, 1};
        PpoLosses losses = new PpoLosses(0.2, 0.05, 1, true, 10);
        try (NDManager m = NDManager.newBaseManager()) {
            Loss f = x -> losses.policy(x[0], m.create(old), m.create(adv), x[1], m.create(mask)).loss();
            checkGradient(m, f, new double[][] {newLp, ent});
        }
    }

    @Test
    void valueGradientMatchesFiniteDifferences() {
        double[] oldV = {0.0, 0.5, -1.0, 2.0, 0.3, 1.0};
        double[] newV = {0.1, 0.9, -1.35, 1.95, 0.6, 1.0};   // diffs .1, .4, -.35, -.05, .3, 0: clipped and not, off the edges
        double[] ret = {-3.0, 0.4, 1.5, 2.5, 0.25, -2.2};    // errors include -3.1 and -2.2 (beyond δ = 1, negative)
        double[] mask = {1, 1, 1, 1, 0, 1};
        for (boolean huber : new boolean[] {true, false}) {
            PpoLosses losses = new PpoLosses(0.2, 0.01, 0.7, huber, 1.0);
            try (NDManager m = NDManager.newBaseManager()) {
                Loss f = x -> losses.value(x[0], m.create(oldV), m.create(ret), m.create(mask));
                checkGradient(m, f, new double[][] {newV});
            }
        }
    }

    /** A loss of some input arrays. */
    private interface Loss {
        NDArray of(NDArray[] inputs);
    }

    /** Autograd gradient of f wrt each input vs central differences (h = 1e-6, float64). */
    private static void checkGradient(NDManager m, Loss f, double[][] inputs) {
        double[][] grads = new double[inputs.length][];
        try (GradientCollector gc = Engine.getInstance().newGradientCollector(); NDManager sub = m.newSubManager()) {
            NDArray[] leaves = new NDArray[inputs.length];
            for (int a = 0; a < inputs.length; a++) {
                leaves[a] = sub.create(inputs[a]);
                leaves[a].setRequiresGradient(true);
            }
            gc.backward(f.of(leaves));
            for (int a = 0; a < inputs.length; a++) grads[a] = leaves[a].getGradient().toDoubleArray();
        }
        double h = 1e-6;
        for (int a = 0; a < inputs.length; a++) {
            for (int j = 0; j < inputs[a].length; j++) {
                double[][] plus = deepCopy(inputs), minus = deepCopy(inputs);
                plus[a][j] += h;
                minus[a][j] -= h;
                double fd = (evaluate(m, f, plus) - evaluate(m, f, minus)) / (2 * h);
                assertThat(grads[a][j]).as("d loss / d input %d[%d]", a, j).isCloseTo(fd, within(1e-7));
            }
        }
        // the check must be able to fail: some gradient entries are clearly non-zero
        assertThat(Arrays.stream(grads).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElse(0)).isGreaterThan(1e-3);
    }

    private static double evaluate(NDManager m, Loss f, double[][] inputs) {
        try (NDManager sub = m.newSubManager()) {
            NDArray[] x = new NDArray[inputs.length];
            for (int a = 0; a < inputs.length; a++) x[a] = sub.create(inputs[a]);
            return f.of(x).getDouble();
        }
    }

    private static double[][] deepCopy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int a = 0; a < x.length; a++) c[a] = x[a].clone();
        return c;
    }

    private static double scalar(NDArray x) {
        return x.getDouble();
    }
}
