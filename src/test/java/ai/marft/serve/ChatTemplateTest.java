package ai.marft.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ChatTemplateTest {
    static final Path QWEN3 = Path.of("../shared/data/tokenizers/qwen3");

    static List<Map<String, Object>> messages() {
        return List.of(Map.of("role", "system", "content", "Be brief."), Map.of("role", "user", "content", "What is 2+2?"));
    }

    @Test
    void rendersChatMlAsTransformersDoes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), ai.marft.Json.MAPPER.createObjectNode().put("chat_template", ServeFixtures.CHATML).toString());
        // apply_chat_template(messages, add_generation_prompt=True) of this template, written out by hand
        assertThat(ChatTemplate.load(dir).orElseThrow().render(messages()))
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void aTemplateJinjavaCannotRenderIsAClear400(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(QWEN3.resolve("tokenizer_config.json")), "the Qwen3 tokenizer is not in ../shared/data/tokenizers/qwen3");
        Files.copy(QWEN3.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        // Qwen3's template uses messages[::-1] and str.startswith, which Jinjava 2.8 does not have
        assertThatThrownBy(() -> ChatTemplate.load(dir).orElseThrow().render(messages()))
                .isInstanceOf(ApiError.class).hasMessageStartingWith("chat needs a chat template that Jinjava can render")
                .hasMessageContaining("/v1/completions")
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(400));
    }

    @Test
    void aModelWithoutTemplateHasNone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
        assertThat(ChatTemplate.load(dir)).isEmpty();
        assertThat(ChatTemplate.load(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void raiseExceptionInATemplateIsA400(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": \"{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}x\"}");
        assertThatThrownBy(() -> ChatTemplate.load(dir).orElseThrow().render(messages()))
                .isInstanceOf(ApiError.class).hasMessageContaining("System role not supported")
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(400));
    }
}
