package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.lm.ModelConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sampling flags' ranges (the training options' declarations) and the context-length check that generate is to call. */
class SamplingFlagsTest {
    private static final ModelConfig MODEL = new ModelConfig("llama", 384, 32, 64, 2, 4, 4, 8, 1e-5, 10000, true, false, false, 2048,
            new int[]{2}, 0);

    @Test
    void flagsOutOfTheDeclaredRangesNameTheFlagAndTheValue() {
        assertThatThrownBy(() -> SamplingFlags.check(null, Double.NaN, null, null)).isInstanceOf(InputError.class)
                .hasMessage("--temperature: temperature = NaN: must be > 0, or 0 for greedy decoding");
        assertThatThrownBy(() -> SamplingFlags.check(null, null, null, 1.5)).isInstanceOf(InputError.class)
                .hasMessage("--top-p: top_p = 1.5: must be in (0, 1]");
        assertThatThrownBy(() -> SamplingFlags.check(null, null, -1, null)).hasMessage("--top-k: top_k = -1: must be >= 0");
        assertThatThrownBy(() -> SamplingFlags.check(0, null, null, null)).hasMessage("--max-new-tokens: max_new_tokens = 0: must be >= 1");
        assertThatCode(() -> SamplingFlags.check(1, 0.0, 0, 1.0)).doesNotThrowAnyException(); // greedy, filters off
        assertThatCode(() -> SamplingFlags.check(null, null, null, null)).doesNotThrowAnyException();
    }

    @Test
    void promptPlusNewTokensMustFitTheModelsPositions() {
        assertThatCode(() -> SamplingFlags.checkContext(2008, 40, MODEL, Path.of("m"))).doesNotThrowAnyException(); // exactly 2048
        assertThatThrownBy(() -> SamplingFlags.checkContext(2205, 64, MODEL, Path.of("m"))).isInstanceOf(InputError.class)
                .hasMessage("--prompt: 2205 tokens + --max-new-tokens 64 = 2269 positions, more than the model's max_position_embeddings 2048"
                        + " (m/config.json): shorten the prompt or lower --max-new-tokens");
        assertThatThrownBy(() -> SamplingFlags.checkContext(2009, 40, MODEL, Path.of("m"))).hasMessageContaining("2049 positions");
    }
}
