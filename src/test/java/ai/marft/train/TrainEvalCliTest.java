package ai.marft.train;

import ai.marft.Json;
import ai.marft.cli.Main;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code marft train} with the reference's flags, then {@code marft eval --checkpoint ... --json}, and their one-line errors. */
class TrainEvalCliTest {
    @TempDir
    Path tmp;

    private static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainWithReferenceFlagsThenEvaluateTheCheckpoint() throws Exception {
        Path model = TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.QWEN2, 4, true);
        Path data = tmp.resolve("data.json");
        Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(3).generate(6).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        Path profiles = tmp.resolve("p.json");
        Files.writeString(profiles, "[{\"role\": \"solver\", \"prompt\": \"<|im_start|>system: solve<|im_end|>\\n\", \"with_answer\": true}]");
        Path cfg = tmp.resolve("run.yaml");
        Files.writeString(cfg, "env_name: arith\nmax_new_tokens: 4\nhorizon: 1\nnum_env_steps: 4\nsave_interval: 1\nrun_dir: " + tmp.resolve("run") + "\n");
        int code = Main.run("train", "--config", cfg.toString(), "--algorithm_name", "APPO", "--n_rollout_threads", "2", "--ppo_epoch", "1",
                "--lr", "1e-3", "--profile_path", profiles.toString(), "--dataset_path", data.toString(), "--model_name_or_path", model.toString());
        assertThat(code).isZero();
        Path ckpt = tmp.resolve("run/checkpoints/steps_0002");
        assertThat(AtomicDir.isComplete(ckpt)).isTrue();
        assertThat(Files.readAllLines(tmp.resolve("run/metrics.jsonl"))).hasSize(2);
        assertThat(Files.isRegularFile(ckpt.resolve("solver/adapter_config.json"))).isTrue();

        Path records = tmp.resolve("records.jsonl");
        String out = stdout(() -> assertThat(Main.run("eval", "--checkpoint", ckpt.toString(), "--dataset", data.toString(), "--n", "4",
                "--records", records.toString(), "--json")).isZero());
        JsonNode j = Json.MAPPER.readTree(out);
        assertThat(j.get("n").asInt()).isEqualTo(4);
        assertThat(j.get("accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("ci95").size()).isEqualTo(2);
        assertThat(Files.readAllLines(records)).hasSize(4);
    }

    @Test
    void missingInputsAreOneLineErrors() throws Exception {
        Path noModel = tmp.resolve("demo.yaml");
        Files.writeString(noModel, "model_name_or_path: " + tmp.resolve("no-model") + "\n");
        assertThat(Main.run("demo", "--config", noModel.toString(), "--out", tmp.resolve("demo").toString())).isEqualTo(2);
        assertThat(Files.exists(tmp.resolve("demo"))).isFalse();
        assertThat(Main.run("train", "--lr", "1e-3")).isEqualTo(2);
        assertThat(Main.run("train", "--no_such_option", "1")).isEqualTo(2);
        assertThat(Main.run("eval", "--dataset", tmp.resolve("none.json").toString(), "--model", tmp.toString())).isEqualTo(2);
        assertThat(Main.run("demo", "--config", tmp.resolve("missing.yaml").toString())).isEqualTo(2);
    }
}
