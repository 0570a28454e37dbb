package ai.marft.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LoraTest {
    @TempDir
    static Path tmp;
    static LmEngine engine;
    static final List<int[]> PROMPTS = List.of(new int[]{3, 14, 15, 9, 2}, new int[]{6, 5});
    static final List<int[]> ACTIONS = List.of(new int[]{35, 8, 9, 7}, new int[]{9, 3, 23});

    @BeforeAll
    static void setUp() {
        engine = LmEngine.load(TinyModels.write(tmp.resolve("m"), TinyModels.Flavour.LLAMA, 3));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    static float[][] allTokens() {
        return engine.logprobs(List.of(new int[]{1, 2, 3, 4, 5, 6, 7, 8}, new int[]{9, 10, 11}), null);
    }

    @Test
    void freshAdapterLeavesOutputsUnchanged() {
        engine.adapters().create("fresh", LoraConfig.defaults(), 9);
        float[][] base = allTokens();
        float[][] adapted = engine.logprobs(List.of(new int[]{1, 2, 3, 4, 5, 6, 7, 8}, new int[]{9, 10, 11}), "fresh");
        for (int b = 0; b < base.length; b++) assertThat(adapted[b]).containsExactly(base[b]);
        // A is kaiming-uniform like PEFT: |A| <= 1/sqrt(in), not all zero; B is zero
        LoraAdapter a = engine.adapters().get("fresh");
        float[] av = a.parameters().getFirst().toFloatArray();
        double bound = 1 / Math.sqrt(engine.model().config().hidden());
        float maxAbs = 0;
        for (float v : av) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertThat(maxAbs).isLessThanOrEqualTo((float) bound).isGreaterThan((float) bound * 0.9f);
        assertThat(a.parameters().getLast().toFloatArray()).containsOnly(0f);
    }

    /** Sum of the masked action log-probs under adapter "fd" (the loss whose gradient is checked). */
    static double loss(NDManager m, boolean withGrad, SamplingParams sp) {
        ActionScores sc = engine.scoreActions(m, PROMPTS, ACTIONS, "fd", sp, withGrad);
        NDArray l = sc.logprobs().mul(sc.mask()).sum().add(sc.entropies().mul(sc.mask()).sum().mul(0.5f));
        return withGrad ? Double.NaN : l.getFloat();
    }

    @Test
    void adapterGradientsAgreeWithFiniteDifferences() {
        LoraAdapter a = engine.adapters().create("fd", new LoraConfig(2, 4, List.of(LoraTarget.Q, LoraTarget.V, LoraTarget.DOWN)), 5);
        GenerationTest.randomizeB(a, 8);
        SamplingParams sp = new SamplingParams(1, 0.8, 0, 1.0);
        List<NDArray> params = a.parameters();
        try (NDManager m = engine.model().manager().newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ActionScores sc = engine.scoreActions(m, PROMPTS, ACTIONS, "fd", sp, true);
                NDArray l = sc.logprobs().mul(sc.mask()).sum().add(sc.entropies().mul(sc.mask()).sum().mul(0.5f));
                gc.backward(l);
            }
            // check entries of several tensors: A and B of q (layer 0), v (layer 1), down (layer 1)
            int nA = params.size() / 2;
            int checked = 0;
            for (int pi : new int[]{0, 4, 5, nA, nA + 4, nA + 5}) {
                NDArray p = params.get(pi);
                float[] grad;
                try (NDArray g = p.getGradient()) {
                    grad = g.toFloatArray();
                }
                long cols = p.getShape().get(1);
                for (int e : new int[]{0, (int) (p.getShape().size() / 2) + 1}) {
                    NDIndex at = new NDIndex(e / cols, e % cols);
                    float orig = p.toFloatArray()[e];
                    double eps = 1e-2;
                    double plus, minus;
                    try (NDArray view = p.stopGradient()) {
                        view.set(at, orig + eps);
                        plus = loss(m, false, sp);
                        view.set(at, orig - eps);
                        minus = loss(m, false, sp);
                        view.set(at, orig);
                    }
                    double fd = (plus - minus) / (2 * eps);
                    assertThat((double) grad[e]).as("param %d entry %d", pi, e).isCloseTo(fd, within(2e-3 + 0.02 * Math.abs(fd)));
                    if (Math.abs(fd) > 0.05) checked++;
                }
            }
            assertThat(checked).as("entries with a clearly non-zero gradient").isGreaterThanOrEqualTo(6);
            Gradients.zero(params);
            assertThat(Gradients.norm(params)).isZero();
        } finally {
            engine.adapters().remove("fd");
        }
    }

    @Test
    void peftSaveLoadRoundTrip(@TempDir Path dir) throws Exception {
        LoraAdapter a = engine.adapters().create("saved", new LoraConfig(4, 8, List.of(LoraTarget.Q, LoraTarget.V, LoraTarget.GATE)), 2);
        GenerationTest.randomizeB(a, 6);
        a.save(dir, "tiny-llama");
        JsonNode cfg = Json.MAPPER.readTree(dir.resolve("adapter_config.json").toFile());
        assertThat(cfg.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(cfg.get("r").asInt()).isEqualTo(4);
        assertThat(cfg.get("lora_alpha").asDouble()).isEqualTo(8.0);
        assertThat(cfg.get("target_modules").toString()).isEqualTo("[\"q_proj\",\"v_proj\",\"gate_proj\"]");
        assertThat(cfg.get("base_model_name_or_path").asText()).isEqualTo("tiny-llama");
        try (SafeTensors st = SafeTensors.openFile(dir.resolve("adapter_model.safetensors"))) {
            assertThat(st.shape("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")).containsExactly(4, 32);
            assertThat(st.shape("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")).containsExactly(16, 4);
            assertThat(st.shape("base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight")).containsExactly(64, 4);
            assertThat(st.names()).hasSize(2 * 2 * 3);
        }
        engine.adapters().load("reloaded", dir);
        List<int[]> seqs = List.of(new int[]{1, 2, 3, 4, 5, 6, 7, 8}, new int[]{9, 10, 11});
        float[][] before = engine.logprobs(seqs, "saved"), after = engine.logprobs(seqs, "reloaded"), base = allTokens();
        for (int b = 0; b < 2; b++) {
            assertThat(after[b]).containsExactly(before[b]);
            assertThat(after[b]).isNotEqualTo(base[b]);
        }
        // a wrong-shaped tensor names file and tensor
        Path cfgFile = dir.resolve("adapter_config.json");
        Files.writeString(cfgFile, Files.readString(cfgFile).replace("\"r\" : 4", "\"r\" : 5"));
        assertThatThrownBy(() -> engine.adapters().load("bad", dir)).isInstanceOf(InputError.class)
                .hasMessageContaining("adapter_model.safetensors").hasMessageContaining("layers.0.self_attn.q_proj.lora_A.weight");
        engine.adapters().remove("saved");
        engine.adapters().remove("reloaded");
    }
}
