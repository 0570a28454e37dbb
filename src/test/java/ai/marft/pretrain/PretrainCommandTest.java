package ai.marft.pretrain;

import ai.marft.Json;
import ai.marft.cli.Main;
import ai.marft.lm.LmEngine;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code marft pretrain} end to end on a tiny shape: every promised file, a card with measured figures, user errors in one line. */
class PretrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesALoadableModelFolderWithLossCurveAndCard() throws IOException {
        Path out = dir.resolve("model");
        int code = Main.run("pretrain", "--out", out.toString(), "--seed", "3", "--steps", "4", "--hidden", "32", "--layers", "1",
                "--batch-tokens", "512", "--eval-problems", "3");
        assertThat(code).isZero();
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "loss.csv", "README.md", "pretrain.json"})
            assertThat(out.resolve(f)).isRegularFile();
        try (LmEngine engine = LmEngine.load(out)) {
            assertThat(engine.model().config().hidden()).isEqualTo(32);
            assertThat(engine.tokenizer().vocabSize()).isEqualTo(384);
        }
        String card = Files.readString(out.resolve("README.md"));
        assertThat(card).contains("marft pretrain --out " + out + " --seed 3 --steps 4", "| planner -> solver | 0.5 |", "| solo | 0.5 |", "loss.csv");
        JsonNode j = Json.MAPPER.readTree(out.resolve("pretrain.json").toFile());
        assertThat(j.path("summary").path("steps").asInt()).isEqualTo(4);
        assertThat(j.path("eval").path("planner -> solver T=0.5").path("n").asInt()).isEqualTo(3);
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        assertThat(Main.run("pretrain", "--out", dir.toString(), "--threads", "0")).isEqualTo(2);
        assertThat(Main.run("pretrain", "--out", dir.toString(), "--eval-problems", "501")).isEqualTo(2);
        assertThat(Main.run("pretrain", "--out", dir.toString(), "--dual-profiles", dir.resolve("missing.json").toString(), "--steps", "1")).isEqualTo(2);
    }
}
