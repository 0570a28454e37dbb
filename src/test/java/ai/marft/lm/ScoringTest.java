package ai.marft.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScoringTest {
    @TempDir
    static Path tmp;
    static LmEngine engine;
    static final List<int[]> PROMPTS = List.of(new int[]{3, 14, 15, 9, 2}, new int[]{6, 5});
    static final List<int[]> ACTIONS = List.of(new int[]{35, 8, 9}, new int[]{9, 3, 23, 40, 41});

    @BeforeAll
    static void setUp() {
        engine = LmEngine.load(TinyModels.write(tmp.resolve("m"), TinyModels.Flavour.QWEN2, 5));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    @Test
    void baseHiddenIsReadAtThePositionsPredictingEachActionToken() {
        int h = engine.model().config().hidden();
        try (NDManager m = engine.model().manager().newSubManager()) {
            NDArray hidden = engine.baseHidden(m, PROMPTS, ACTIONS);
            assertThat(hidden.getShape().getShape()).containsExactly(2, 5, h);
            float[] all = hidden.toFloatArray();
            for (int b = 0; b < 2; b++)
                for (int j = 0; j < ACTIONS.get(b).length; j++) {
                    // the same state computed alone: prompt + first j action tokens, read at its last token
                    int[] p = PROMPTS.get(b), prefix = Arrays.copyOf(p, p.length + j);
                    System.arraycopy(ACTIONS.get(b), 0, prefix, p.length, j);
                    float[] alone = engine.baseHidden(m, List.of(prefix), List.of(new int[0])).toFloatArray();
                    for (int k = 0; k < h; k++)
                        assertThat(all[(b * 5 + j) * h + k]).as("row %d action %d dim %d", b, j, k).isCloseTo(alone[k], within(1e-5f));
                }
        }
    }

    @Test
    void valueHeadMatchesAPlainJavaMlpAndRoundTrips(@TempDir Path dir) {
        int h = engine.model().config().hidden();
        try (NDManager m = engine.model().manager().newSubManager();
             ValueHead head = ValueHead.create(engine.model().manager(), h, 3)) {
            NDArray hidden = engine.baseHidden(m, PROMPTS, ACTIONS);
            float[] values = head.forward(hidden).toFloatArray();
            assertThat(values).hasSize(10);
            float[] x = hidden.toFloatArray();
            float[][] w = head.parameters().stream().map(NDArray::toFloatArray).toArray(float[][]::new);
            for (int r = 0; r < 10; r++) {
                double[] h1 = layer(x, r * h, h, w[0], 1024, true);
                double[] h2 = layer(toFloat(h1), 0, 1024, w[1], 512, true);
                double v = layer(toFloat(h2), 0, 512, w[2], 1, false)[0];
                assertThat((double) values[r]).isCloseTo(v, within(1e-4 + 1e-4 * Math.abs(v)));
            }
            head.save(dir.resolve("value_head.safetensors"));
            try (ValueHead loaded = ValueHead.load(engine.model().manager(), h, dir.resolve("value_head.safetensors"))) {
                assertThat(loaded.forward(hidden).toFloatArray()).containsExactly(values);
            }
        }
    }

    private static double[] layer(float[] in, int off, int n, float[] w, int out, boolean relu) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += (double) w[o * n + i] * in[off + i];
            y[o] = relu ? Math.max(0, s) : s;
        }
        return y;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        engine.adapters().create("g", LoraConfig.defaults(), 1);
        GenerationTest.randomizeB(engine.adapters().get("g"), 2);
        List<NDArray> params = engine.adapters().get("g").parameters();
        SamplingParams sp = new SamplingParams(1, 1.0, 0, 1.0);
        float[] once = backward(sp, params);
        float[] twice = backward(sp, params);
        for (int i = 0; i < once.length; i++) assertThat(twice[i]).isCloseTo(2 * once[i], within(1e-5f + 1e-5f * Math.abs(once[i])));
        Gradients.zero(params);
        float[] again = backward(sp, params);
        for (int i = 0; i < once.length; i++) assertThat(again[i]).isCloseTo(once[i], within(1e-6f + 1e-6f * Math.abs(once[i])));
        assertThat(Arrays.stream(toDouble(once)).map(Math::abs).max().orElse(0)).isGreaterThan(1e-3);
        engine.adapters().remove("g");
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** One backward of the summed action log-probs; returns the first A's gradient afterwards. */
    private static float[] backward(SamplingParams sp, List<NDArray> params) {
        try (NDManager m = engine.model().manager().newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ActionScores sc = engine.scoreActions(m, PROMPTS, ACTIONS, "g", sp, true);
                gc.backward(sc.logprobs().mul(sc.mask()).sum());
            }
            try (NDArray g = params.getFirst().getGradient()) {
                return g.toFloatArray();
            }
        }
    }
}
