package ai.marft.lm;

import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Log-probs against an independent float64 NumPy implementation of the HF forward
 * (tools/golden/make_golden.py): qwen2 with q/k/v biases and tied embeddings (F32),
 * llama untied with 4:1 GQA stored as sharded BF16, qwen2 without GQA stored as F16.
 */
class GoldenLogprobsTest {
    static Path fixture(String name) throws Exception {
        return Path.of(GoldenLogprobsTest.class.getResource("/lm/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "llama-tiny-bf16", "qwen2-tiny-f16"})
    void matchesIndependentImplementationAloneAndInALeftPaddedBatch(String name) throws Exception {
        Path dir = fixture(name);
        JsonNode golden = Json.MAPPER.readTree(dir.resolve("golden.json").toFile());
        List<int[]> seqs = new ArrayList<>();
        for (JsonNode s : golden.get("sequences")) seqs.add(Json.MAPPER.convertValue(s, int[].class));
        try (LmEngine engine = LmEngine.load(dir)) {
            float[][] batched = engine.logprobs(seqs, null);
            for (int b = 0; b < seqs.size(); b++) {
                float[] alone = engine.logprobs(List.of(seqs.get(b)), null)[0];
                JsonNode expected = golden.get("logprobs").get(b);
                assertThat(alone).hasSize(expected.size());
                for (int k = 0; k < alone.length; k++) {
                    assertThat((double) alone[k]).as("%s seq %d token %d", name, b, k + 1).isCloseTo(expected.get(k).asDouble(), within(1e-4));
                    assertThat(batched[b][k]).as("%s seq %d token %d batched", name, b, k + 1).isCloseTo(alone[k], within(1e-5f));
                }
            }
        }
    }
}
