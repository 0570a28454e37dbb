package ai.marft.pretrain;

import ai.marft.env.arith.ArithGenerator;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.marft.Json;
import ai.marft.env.Problem;
import ai.marft.lm.Tokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ArithTokenizerTest {
    private static Path dir;
    private static ArithTokenizer built;
    private static HuggingFaceTokenizer hf;
    private static Tokenizer tok;

    /** Transcripts of both teams, as pretraining would produce them. */
    static List<String> corpus(long seed, int problems) {
        List<Problem> ps = new ArithGenerator(seed).generate(problems);
        List<String> texts = new ArrayList<>();
        for (Episode e : new ArithTeacher(ArithTeacherTest.DUAL, Map.of("planner", 0.5, "solver", 0.5), 0.3, 3).episodes(ps, seed))
            for (Transcript t : e.turns()) texts.add(t.text());
        for (Episode e : new ArithTeacher(ArithTeacherTest.SOLO, Map.of("solver", 0.5), 0, 3).episodes(ps, seed + 1))
            for (Transcript t : e.turns()) texts.add(t.text());
        return texts;
    }

    @BeforeAll
    static void build() throws IOException {
        dir = Files.createTempDirectory("arith-tokenizer");
        built = ArithTokenizer.train(corpus(1, 400), 512);
        built.write(dir);
        hf = HuggingFaceTokenizer.builder().optTokenizerPath(dir).optAddSpecialTokens(false).optTruncation(false).optPadding(false).build();
        tok = new DjlTokenizer(hf);
    }

    @AfterAll
    static void close() throws IOException {
        hf.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    @Test
    void roundTripsHeldOutTranscriptsAndOddTextExactly() {
        List<String> texts = new ArrayList<>(corpus(99, 100));
        texts.addAll(List.of("", " ", "  two  spaces \t tab\n\nnewlines \r\n", "héllo ∑ 12 ß 😀 日本", "\\boxed{\\frac{1}{2}}", "<|im_start|><|im_end|><|endoftext|>",
                "What is 123456789 * 0?", "-0042", "a<|im_end|>b"));
        for (String t : texts) assertThat(tok.decode(tok.encode(t))).isEqualTo(t);
    }

    @Test
    void specialTokensAreSingleIds() {
        assertThat(tok.encode("<|endoftext|>")).containsExactly(0);
        assertThat(tok.encode("<|im_start|>")).containsExactly(1);
        assertThat(tok.encode("<|im_end|>")).containsExactly(2);
        int[] ids = tok.encode("<|im_start|>solver: 5<|im_end|>");
        assertThat(ids[0]).isEqualTo(1);
        assertThat(ids[ids.length - 1]).isEqualTo(2);
        assertThat(ids).hasSize(5); // <|im_start|> solver : 5 <|im_end|>
    }

    @Test
    void everyTokenHoldsAtMostOneDigit() {
        for (String token : built.vocab().keySet()) assertThat(token.chars().filter(Character::isDigit).count()).as(token).isLessThanOrEqualTo(1);
        assertThat(tok.encode("1234567890")).hasSize(10);
        assertThat(tok.encode(" 12")).hasSize(2);
    }

    @Test
    void promptWordsAreOneTokenEachAndTheVocabIsSmall() {
        assertThat(built.vocabSize()).isBetween(300, 512);
        for (String word : List.of("system", " You", " are", " the", " planner", " solver", " product", " What", " is", " \\boxed{", "problem",
                "judge", " The", " answer", " incorrect"))
            assertThat(tok.encode(word)).as(word).hasSize(1);
        // <|im_start|> system : _You _are _the _planner . _Work _out _each _product , _then _write _what _is _left _to _add _up . <|im_end|> \n
        assertThat(tok.encode(ArithTeacherTest.DUAL.get(0).prompt())).hasSize(24);
        for (String t : corpus(5, 20)) for (int id : tok.encode(t)) assertThat(id).isBetween(0, built.vocabSize() - 1);
    }

    @Test
    void transcriptTokensSplitIntoPromptAndTrainedTarget() {
        Transcript t = new ArithTeacher(ArithTeacherTest.DUAL, Map.of("planner", 1.0, "solver", 1.0), 0, 1)
                .episode(new Problem("What is 7 + 3 * 8 - 5?", "26"), new java.util.Random(0)).turns().get(1);
        Transcript.Tokenized tk = t.tokenize(tok);
        int[] target = Arrays.copyOfRange(tk.ids(), tk.promptTokens(), tk.ids().length);
        assertThat(tok.decode(target)).isEqualTo("7 + 24 = 31, 31 - 5 = 26, \\boxed{26}<|im_end|>");
        assertThat(tok.decode(Arrays.copyOf(tk.ids(), tk.promptTokens()))).isEqualTo(t.prompt());
        assertThat(target[target.length - 1]).isEqualTo(tok.eosId());
        boolean[] mask = tk.lossMask();
        for (int i = 0; i < mask.length; i++) assertThat(mask[i]).isEqualTo(i >= tk.promptTokens());
    }

    @Test
    void configNamesEosAndPadAndTrainingIsDeterministic() throws IOException {
        JsonNode c = Json.MAPPER.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(c.get("eos_token").asText()).isEqualTo("<|im_end|>");
        assertThat(c.get("pad_token").asText()).isEqualTo("<|endoftext|>");
        Path again = Files.createTempDirectory("arith-tokenizer-again");
        ArithTokenizer.train(corpus(1, 400), 512).write(again);
        assertThat(Files.readString(again.resolve("tokenizer.json"))).isEqualTo(Files.readString(dir.resolve("tokenizer.json")));
        Files.delete(again.resolve("tokenizer.json"));
        Files.delete(again.resolve("tokenizer_config.json"));
        Files.delete(again);
    }

    /** ai.marft.lm.Tokenizer over DJL's HF tokenizer, for tests only (the engine owns the production one). */
    record DjlTokenizer(HuggingFaceTokenizer hf) implements Tokenizer {
        @Override
        public int[] encode(String text) {
            return Arrays.stream(hf.encode(text, false, false).getIds()).mapToInt(Math::toIntExact).toArray();
        }

        @Override
        public String decode(int[] ids) {
            return hf.decode(Arrays.stream(ids).asLongStream().toArray(), false);
        }

        @Override
        public int eosId() {
            return 2;
        }

        @Override
        public int padId() {
            return 0;
        }

        @Override
        public int vocabSize() {
            return built.vocabSize();
        }
    }
}
