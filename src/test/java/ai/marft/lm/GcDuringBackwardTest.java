package ai.marft.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.marft.rl.PpoLosses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A garbage collection between a forward pass and its backward pass must not change the gradients
 * (regression: DJL's number ops left autograd reading freed direct buffers; see {@link Scalars}).
 * Freed memory is handed back and refilled with a loud pattern before the backward pass.
 */
class GcDuringBackwardTest {
    static final List<int[]> PROMPTS = List.of(new int[]{3, 14, 15, 9, 2}, new int[]{6, 5});
    static final List<int[]> ACTIONS = List.of(new int[]{35, 8, 9}, new int[]{9, 3, 23, 40, 41});

    @Test
    void gradientsAreTheSameWithAGcBeforeBackward(@TempDir Path tmp) {
        try (LmEngine engine = LmEngine.load(TinyModels.write(tmp.resolve("m"), TinyModels.Flavour.QWEN2, 5))) {
            LoraAdapter adapter = engine.adapters().create("a", LoraConfig.defaults(), 1);
            for (NDArray b : adapter.parameters().subList(adapter.parameters().size() / 2, adapter.parameters().size()))
                try (NDArray view = b.stopGradient()) {
                    view.addi(0.05f); // B != 0, so every factor of the LoRA path carries gradient
                }
            float[][] quiet = gradients(engine, adapter, false);
            float[][] afterGc = gradients(engine, adapter, true);
            for (int p = 0; p < quiet.length; p++)
                for (int k = 0; k < quiet[p].length; k++)
                    assertThat(afterGc[p][k]).as("parameter %d entry %d", p, k).isCloseTo(quiet[p][k], within(1e-5f + 1e-4f * Math.abs(quiet[p][k])));
        }
    }

    /** Adapter gradients of a PPO policy loss, optionally with GC, malloc_trim and buffer churn between forward and backward. */
    private static float[][] gradients(LmEngine engine, LoraAdapter adapter, boolean gcInBetween) {
        PpoLosses losses = new PpoLosses(0.2, 0.01, 1, true, 10);
        List<ByteBuffer> churn = new ArrayList<>();
        try (NDManager m = engine.model().manager().newSubManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            ActionScores sc = engine.scoreActions(m, PROMPTS, ACTIONS, "a", new SamplingParams(1, 0.7, 0, 1.0), true);
            NDArray lp = sc.logprobs().mul(sc.mask()).sum(new int[]{1});
            NDArray ent = sc.entropies().mul(sc.mask()).sum(new int[]{1});
            NDArray loss = losses.policy(lp, lp.stopGradient().sub(0.1f), m.create(new float[]{1f, -0.5f}), ent, m.ones(lp.getShape())).loss();
            if (gcInBetween) {
                System.gc();
                ProcessMemory.trimNativeHeap();
                for (int i = 0; i < 20_000; i++) { // small direct buffers reuse the freed blocks; fill them with 3.4e38
                    ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 4)).order(ByteOrder.nativeOrder());
                    while (b.hasRemaining()) b.putFloat(Float.MAX_VALUE);
                    churn.add(b);
                }
            }
            gc.backward(loss);
        }
        List<NDArray> params = adapter.parameters();
        float[][] out = new float[params.size()][];
        for (int p = 0; p < params.size(); p++)
            try (NDArray g = params.get(p).getGradient()) {
                out[p] = g.toFloatArray();
                g.subi(g);
            }
        assertThat(churn.size()).isEqualTo(gcInBetween ? 20_000 : 0);
        return out;
    }
}
