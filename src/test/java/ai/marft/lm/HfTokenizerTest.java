package ai.marft.lm;

import ai.marft.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HfTokenizerTest {
    @Test
    void byteTokenizerRoundTripsTextAndSpecialTokens(@TempDir Path dir) {
        TinyModels.writeByteTokenizer(dir);
        try (HfTokenizer tok = HfTokenizer.load(dir, -1, -1)) {
            String text = "<|im_start|>problem: 2+3=? é<|im_end|>\n";
            int[] ids = tok.encode(text);
            assertThat(ids[0]).isEqualTo(TinyModels.IM_START);
            assertThat(ids[ids.length - 2]).isEqualTo(TinyModels.IM_END);
            // "problem: 2+3=? é" is 17 bytes (é is two) + 2 specials + newline
            assertThat(ids).hasSize(17 + 2 + 1);
            assertThat(tok.decode(ids)).isEqualTo(text);
            assertThat(tok.eosId()).isEqualTo(TinyModels.IM_END);
            assertThat(tok.padId()).isEqualTo(TinyModels.END_OF_TEXT);
            assertThat(tok.vocabSize()).isEqualTo(TinyModels.BYTE_VOCAB);
        }
    }

    @Test
    void tokenBytesLayTheTokensOverTheDecodedTextsBytes() {
        // the embedded arith model's byte-level BPE: merged pieces, specials, a character split between byte tokens
        try (HfTokenizer tok = HfTokenizer.load(Path.of("models/tiny-arith"), -1, -1)) {
            String text = "3 * 4 = 12, so 12 + 5 é€😀 \\boxed{17}";
            int[] ids = tok.encode(text);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int id : ids) all.writeBytes(tok.tokenBytes(id, true));
            assertThat(all.toByteArray()).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(ids.length).isLessThan(all.size()); // some tokens hold several bytes
            // "€" is E2 82 AC; the byte-level vocabulary spells it with one token per byte unless merged
            int[] euro = tok.encode("€");
            java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
            for (int id : euro) e.writeBytes(tok.tokenBytes(id, false));
            assertThat(e.toByteArray()).containsExactly(0xE2 - 256, 0x82 - 256, 0xAC - 256);
            // a special token is its text, but stands for nothing in an action (decodeAction skips it)
            assertThat(new String(tok.tokenBytes(tok.eosId(), false), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("<|im_end|>");
            assertThat(tok.tokenBytes(tok.eosId(), true)).isEmpty();
            assertThat(tok.encode(" 12")).hasSize(2); // " 1", "2": the pre-tokenizer splits digits
            assertThat(new String(tok.tokenBytes(tok.encode(" 12")[0], true), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(" 1");
        }
    }

    @Test
    void longTextIsNotTruncated(@TempDir Path dir) {
        TinyModels.writeByteTokenizer(dir);
        try (HfTokenizer tok = HfTokenizer.load(dir, -1, -1)) {
            assertThat(tok.encode("x".repeat(3000))).hasSize(3000);
        }
    }

    @Test
    void realQwenTokenizerHasChatSpecialTokens() throws Exception {
        Path dir = SharedData.require("tokenizers/qwen3");
        assertThat(Files.exists(dir.resolve("tokenizer.json"))).isTrue();
        try (HfTokenizer tok = HfTokenizer.load(dir, -1, -1)) {
            assertThat(tok.eosId()).isEqualTo(151645); // <|im_end|>
            assertThat(tok.padId()).isEqualTo(151643); // <|endoftext|>
            assertThat(tok.encode("<|im_start|>")).containsExactly(151644);
            assertThat(tok.vocabSize()).isGreaterThanOrEqualTo(151665);
            String text = "<|im_start|>reasoner: The answer is \\boxed{42}.<|im_end|>";
            assertThat(tok.decode(tok.encode(text))).isEqualTo(text);
            assertThat(tok.encode("word ".repeat(1000))).hasSizeGreaterThan(900);
        }
    }
}
