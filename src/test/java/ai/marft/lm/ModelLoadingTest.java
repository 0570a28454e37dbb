package ai.marft.lm;

import ai.marft.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad model folders stop with one line naming the file and the tensor. */
class ModelLoadingTest {
    @Test
    void unknownArchitectureNamesTheConfigFile(@TempDir Path dir) throws Exception {
        TinyModels.write(dir, TinyModels.Flavour.LLAMA, 1);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"llama\"", "\"mistral\""));
        assertThatThrownBy(() -> CausalLm.load(dir)).isInstanceOf(InputError.class)
                .hasMessageContaining("config.json").hasMessageContaining("mistral");
    }

    @Test
    void missingTensorIsNamed(@TempDir Path dir) throws Exception {
        TinyModels.write(dir, TinyModels.Flavour.LLAMA, 1);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":3"));
        assertThatThrownBy(() -> CausalLm.load(dir)).isInstanceOf(InputError.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("model.layers.2.self_attn.q_proj.weight is missing");
    }

    @Test
    void misshapedTensorIsNamedWithBothShapes(@TempDir Path dir) throws Exception {
        TinyModels.write(dir, TinyModels.Flavour.QWEN2, 1);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"intermediate_size\":64", "\"intermediate_size\":65"));
        assertThatThrownBy(() -> CausalLm.load(dir)).isInstanceOf(InputError.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("model.layers.0.mlp.gate_proj.weight")
                .hasMessageContaining("[64, 32]").hasMessageContaining("[65, 32]");
    }

    @Test
    void truncatedWeightFileIsReported(@TempDir Path dir) throws Exception {
        TinyModels.write(dir, TinyModels.Flavour.QWEN2, 1);
        Path st = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> CausalLm.load(dir)).isInstanceOf(InputError.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("data_offsets");
        Files.delete(st);
        assertThatThrownBy(() -> CausalLm.load(dir)).isInstanceOf(InputError.class).hasMessageContaining("no model.safetensors");
    }

    @Test
    void savedModelReloadsWithIdenticalOutputs(@TempDir Path dir) {
        List<int[]> seqs = List.of(new int[]{1, 2, 3, 4, 5, 6}, new int[]{7, 8, 9});
        float[][] before;
        try (LmEngine e = LmEngine.load(TinyModels.write(dir.resolve("a"), TinyModels.Flavour.QWEN2, 4))) {
            before = e.logprobs(seqs, null);
            e.model().save(dir.resolve("b"));
        }
        try (LmEngine e = LmEngine.load(dir.resolve("b"))) {
            float[][] after = e.logprobs(seqs, null);
            for (int b = 0; b < 2; b++) assertThat(after[b]).containsExactly(before[b]);
        }
    }
}
