package ai.marft.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.marft.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * AdamW and gradient clipping against numbers from an independent numpy implementation of
 * torch.optim.AdamW + clip_grad_norm_ (float64; lr .1, betas (.9, .999), eps 1e-8), on the loss
 * Σ cp·p² + Σ cq·q² with p = [.5, -1, 2], q = [[.1, -.2], [.3, .4]], cp = [1, .5, 2], cq = [[3, 1], [.5, 2]].
 */
class AdamWTest {
    private static final float[] CP = {1, 0.5f, 2}, CQ = {3, 1, 0.5f, 2};

    // weight decay .01, clip to norm 2 before each step: {pre-clip norm}, p, q after steps 1, 2, 3
    private static final double[] NORMS_WD = {8.316850365373, 7.784661152616, 7.309298820636};
    private static final double[][] P_WD = {{0.399500004, -0.899000004, 1.898000001},
            {0.299821292, -0.798226467, 1.796068453}, {0.201972703, -0.697839049, 1.694201835}};
    private static final double[][] Q_WD = {{-0.000099993, -0.099800010, 0.199700014, 0.299600003},
            {-0.067026139, -0.005557983, 0.101763012, 0.200485803}, {-0.069316717, 0.068974803, 0.010414640, 0.104512671}};
    // plain Adam (weight decay 0), max norm 100 (no clipping)
    private static final double[] NORMS_ADAM = {8.316850365373, 7.792945529255, 7.326440034678};
    private static final double[][] P_ADAM = {{0.400000001, -0.900000001, 1.900000000},
            {0.301187422, -0.800412230, 1.800166486}, {0.204871253, -0.701586275, 1.700623392}};
    private static final double[][] Q_ADAM = {{0.000000002, -0.100000002, 0.200000003, 0.300000001},
            {-0.067005823, -0.006782041, 0.102964794, 0.201742493}, {-0.074437562, 0.067180919, 0.013288976, 0.107394967}};

    @Test
    void adamwWithClippingMatchesTorchSemantics() {
        runAndCheck(0.01, 2.0, NORMS_WD, P_WD, Q_WD);
    }

    @Test
    void plainAdamIsWeightDecayZero() {
        runAndCheck(0.0, 100.0, NORMS_ADAM, P_ADAM, Q_ADAM);
    }

    private static void runAndCheck(double wd, double maxNorm, double[] norms, double[][] ps, double[][] qs) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = param(m, new float[] {0.5f, -1, 2}, new Shape(3));
            NDArray q = param(m, new float[] {0.1f, -0.2f, 0.3f, 0.4f}, new Shape(2, 2));
            NDArray alias = q.reshape(4); // a view on q's storage: sees in-place updates only
            try (AdamW opt = new AdamW(List.of(p, q), 0.1, 0.9, 0.999, 1e-8, wd)) {
                for (int s = 0; s < 3; s++) {
                    float[] pBefore = p.toFloatArray(), qBefore = q.toFloatArray();
                    backward(m, p, q);
                    // fresh gradient 2·c·x: the previous step's gradient was zeroed, not accumulated
                    for (int j = 0; j < 3; j++) assertThat(p.getGradient().toFloatArray()[j]).isCloseTo(2 * CP[j] * pBefore[j], within(1e-6f));
                    for (int j = 0; j < 4; j++) assertThat(q.getGradient().toFloatArray()[j]).isCloseTo(2 * CQ[j] * qBefore[j], within(1e-6f));
                    assertThat(opt.clipGradNorm(maxNorm)).as("norm at step %d", s + 1).isCloseTo(norms[s], within(1e-5));
                    opt.step();
                    opt.zeroGrad();
                    assertThat(p.getGradient().toFloatArray()).containsOnly(0f);
                    assertThat(q.getGradient().toFloatArray()).containsOnly(0f);
                    assertClose(p.toFloatArray(), ps[s], "p after step " + (s + 1));
                    assertClose(q.toFloatArray(), qs[s], "q after step " + (s + 1));
                    assertClose(alias.toFloatArray(), qs[s], "view of q after step " + (s + 1));
                    assertThat(opt.stepCount(0)).isEqualTo(s + 1);
                }
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the collector is opened only for the grad mode it sets
    void clipGradNormScalesOnlyAboveTheLimit() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = param(m, new float[] {1, 1}, new Shape(2));
            NDArray unused = param(m, new float[] {7}, new Shape(1)); // never in a backward pass
            try (AdamW opt = new AdamW(List.of(a, unused), 0.1, 0.9, 0.999, 1e-8, 0)) {
                assertThat(opt.clipGradNorm(1.0)).isEqualTo(0.0); // no gradient computed yet
                try (GradientCollector gc = Engine.getInstance().newGradientCollector(); NDManager sub = m.newSubManager()) {
                    gc.backward(a.mul(sub.create(new float[] {3, 4})).sum()); // gradient (3, 4), norm 5
                }
                assertThat(opt.clipGradNorm(10.0)).isCloseTo(5.0, within(1e-6));
                assertThat(a.getGradient().toFloatArray()).containsExactly(3f, 4f);
                assertThat(opt.clipGradNorm(1.0)).isCloseTo(5.0, within(1e-6));
                double c = 1.0 / (5 + 1e-6);
                assertThat(a.getGradient().toFloatArray()).containsExactly(new float[] {(float) (3 * c), (float) (4 * c)}, within(1e-7f));
                // a step taken while a collector is open still updates in place; the unused parameter is skipped
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    opt.step();
                }
                // first Adam step moves each coordinate by lr·sign(g) (up to eps): 1 - .1 = .9
                assertThat(a.toFloatArray()).containsExactly(new float[] {0.9f, 0.9f}, within(1e-6f));
                assertThat(unused.toFloatArray()).containsExactly(7f);
                assertThat(opt.stepCount(0)).isEqualTo(1);
                assertThat(opt.stepCount(1)).isEqualTo(0);
            }
        }
    }

    @Test
    void updatesLeaveNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = param(m, new float[] {0.5f, -1, 2}, new Shape(3));
            NDArray q = param(m, new float[] {0.1f, -0.2f, 0.3f, 0.4f}, new Shape(2, 2));
            try (AdamW opt = new AdamW(List.of(p, q), 0.1, 0.9, 0.999, 1e-8, 0.01)) {
                backward(m, p, q);
                int before = m.getManagedArrays().size();
                for (int s = 0; s < 5; s++) { opt.clipGradNorm(0.1); opt.step(); opt.zeroGrad(); }
                assertThat(m.getManagedArrays()).hasSize(before);
            }
        }
    }

    @Test
    void savedStateResumesExactly(@TempDir Path dir) {
        Path file = dir.resolve("opt/optimizer.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = param(m, new float[] {0.5f, -1, 2}, new Shape(3));
            NDArray q = param(m, new float[] {0.1f, -0.2f, 0.3f, 0.4f}, new Shape(2, 2));
            try (AdamW opt = new AdamW(List.of(p, q), 0.1, 0.9, 0.999, 1e-8, 0.01)) {
                for (int s = 0; s < 2; s++) { backward(m, p, q); opt.clipGradNorm(2.0); opt.step(); opt.zeroGrad(); }
                opt.save(file);
                // a resumed optimizer over copies of the parameters
                NDArray p2 = param(m, p.toFloatArray(), p.getShape());
                NDArray q2 = param(m, q.toFloatArray(), q.getShape());
                try (AdamW resumed = new AdamW(List.of(p2, q2), 0.1, 0.9, 0.999, 1e-8, 0.01)) {
                    resumed.load(file);
                    assertThat(resumed.stepCount(1)).isEqualTo(2);
                    backward(m, p, q); opt.clipGradNorm(2.0); opt.step();
                    backward(m, p2, q2); resumed.clipGradNorm(2.0); resumed.step();
                    assertThat(p2.toFloatArray()).containsExactly(p.toFloatArray());
                    assertThat(q2.toFloatArray()).containsExactly(q.toFloatArray());
                    assertClose(q2.toFloatArray(), Q_WD[2], "resumed q after step 3");
                }
                NDArray wrong = param(m, new float[] {1, 2, 3, 4}, new Shape(4));
                try (AdamW other = new AdamW(List.of(wrong, q), 0.1, 0.9, 0.999, 1e-8, 0)) {
                    assertThatThrownBy(() -> other.load(file)).isInstanceOf(InputError.class)
                            .hasMessage("optimizer state " + file + ": tensor exp_avg.0 has shape [3], the parameter has [4]");
                    assertThatThrownBy(() -> other.load(dir.resolve("none"))).isInstanceOf(InputError.class)
                            .hasMessageEndingWith("none: file not found");
                }
            }
        }
    }

    private static NDArray param(NDManager m, float[] values, Shape shape) {
        NDArray x = m.create(values, shape);
        x.setRequiresGradient(true);
        return x;
    }

    private static void backward(NDManager m, NDArray p, NDArray q) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector(); NDManager sub = m.newSubManager()) {
            NDArray loss = p.square().mul(sub.create(CP)).sum().add(q.square().mul(sub.create(CQ, new Shape(2, 2))).sum());
            gc.backward(loss);
        }
    }

    private static void assertClose(float[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int j = 0; j < expected.length; j++) assertThat((double) actual[j]).as(what + " [" + j + "]").isCloseTo(expected[j], within(2e-6));
    }
}
