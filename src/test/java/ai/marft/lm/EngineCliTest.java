package ai.marft.lm;

import ai.marft.Json;
import ai.marft.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EngineCliTest {
    /** Runs the CLI and returns {exit code, stdout}. */
    static Object[] run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Object[]{code, buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void logprobsPrintsOnlyAJsonArrayFromIdsOrText(@TempDir Path dir) throws Exception {
        Path model = TinyModels.write(dir.resolve("m"), TinyModels.Flavour.LLAMA, 2, true);
        Object[] r = run("logprobs", "--model", model.toString(), "--ids", "104, 105,33,257");
        assertThat(r[0]).isEqualTo(0);
        JsonNode arr = Json.MAPPER.readTree((String) r[1]);
        assertThat(arr.isArray()).isTrue();
        assertThat(arr.size()).isEqualTo(3);
        float[] expected;
        try (LmEngine e = LmEngine.load(model)) {
            expected = e.logprobs(List.of(new int[]{104, 105, 33, 257}), null)[0];
            assertThat(e.tokenizer().encode("hi!<|im_start|>")).containsExactly(104, 105, 33, 257);
        }
        for (int k = 0; k < 3; k++) assertThat(arr.get(k).floatValue()).isCloseTo(expected[k], within(1e-6f));
        Object[] t = run("logprobs", "--model", model.toString(), "--text", "hi!<|im_start|>");
        assertThat(Json.MAPPER.readTree((String) t[1])).isEqualTo(arr);
    }

    @Test
    void idsWorkWithoutTokenizerAndBadIdsAreOneLineErrors(@TempDir Path dir) {
        Path model = TinyModels.write(dir.resolve("m"), TinyModels.Flavour.QWEN2, 2);
        assertThat(run("logprobs", "--model", model.toString(), "--ids", "1,2,3")[0]).isEqualTo(0);
        assertThat(run("logprobs", "--model", model.toString(), "--ids", "1,x")[0]).isEqualTo(2);
        assertThat(run("logprobs", "--model", model.toString(), "--ids", "1,64")[0]).isEqualTo(2);
        assertThat(run("logprobs", "--model", model.toString(), "--text", "hello")[0]).isEqualTo(2);
    }

    @Test
    void generateIsSeededAndPrintsJson(@TempDir Path dir) throws Exception {
        Path model = TinyModels.write(dir.resolve("m"), TinyModels.Flavour.QWEN2, 3, true);
        String[] args = {"generate", "--model", model.toString(), "--prompt", "<|im_start|>user: hi<|im_end|>\n", "--max-new-tokens", "12",
                "--temperature", "0.9", "--top-k", "40", "--top-p", "0.95", "--seed", "7", "--batch", "3", "--json"};
        Object[] a = run(args), b = run(args);
        assertThat(a[0]).isEqualTo(0);
        assertThat(a[1]).isEqualTo(b[1]);
        JsonNode arr = Json.MAPPER.readTree((String) a[1]);
        assertThat(arr.size()).isEqualTo(3);
        for (JsonNode g : arr) {
            assertThat(g.get("tokens").size()).isBetween(1, 12).isEqualTo(g.get("logprobs").size());
            assertThat(g.get("text").isTextual()).isTrue();
        }
        Object[] plain = run("generate", "--model", model.toString(), "--prompt", "x", "--max-new-tokens", "3", "--temperature", "0");
        assertThat(plain[0]).isEqualTo(0);
        assertThat(run("generate", "--model", model.toString(), "--prompt", "x", "--top-p", "0")[0]).isEqualTo(2);
    }
}
