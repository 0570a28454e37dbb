package ai.marft.serve;

import ai.marft.Json;
import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.train.TrainRun;
import ai.marft.train.TrainRunTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Training with {@code rollout_backend: openai} against {@code marft serve} child processes on the
 * embedded model: with one server it samples what the local backend samples (same metrics: the tokens
 * decide rewards, and the trainer re-scores them itself, so the losses agree to float error); with
 * two servers, one killed mid-run, the run finishes.
 */
class RemoteTrainingTest {
    @TempDir
    static Path dir;
    static ServeProcess first, second;

    @BeforeAll
    static void start() throws Exception {
        String[] args = {"--model", "models/tiny-arith", "--batch-wait-ms", "2"};
        first = new ServeProcess(dir.resolve("first.log"), args);
        second = new ServeProcess(dir.resolve("second.log"), args);
        first.awaitReady();
        second.awaitReady();
        Json.MAPPER.writeValue(dir.resolve("train.json").toFile(), new ArithGenerator(5).generate(30).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
    }

    @AfterAll
    static void stop() {
        if (first != null) first.close();
        if (second != null) second.close();
    }

    private static TrainConfig config(String run, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model_name_or_path", "models/tiny-arith", "--profile_path", "configs/arith_dual.json",
                "--dataset_path", dir.resolve("train.json").toString(), "--env_name", "arith", "--run_dir", dir.resolve(run).toString(),
                "--n_rollout_threads", "4", "--horizon", "1", "--max_new_tokens", "40", "--temperature", "0.5", "--lr", "5e-4",
                "--critic_lr", "1e-3", "--lora_targets", "q_proj,v_proj", "--agent_iteration_interval", "0", "--target_kl", "0.2",
                "--num_mini_batch", "2", "--seed", "4", "--num_env_steps", "12", "--save_interval", "100", "--report_interval", "0"));
        args.addAll(List.of(extra));
        return TrainConfigLoader.load(null, args);
    }

    private static String[] remote(String sync, String... servers) {
        return new String[] {"--rollout_backend", "openai", "--rollout_servers", String.join(",", servers),
                "--adapter_sync_dir", dir.resolve(sync).toString(), "--rollout_timeout_s", "60"};
    }

    @Test
    void oneServerSamplesWhatTheLocalBackendSamples() throws Exception {
        try (TrainRun run = new TrainRun(config("local"), null)) {
            run.run(-1, 0, null);
        }
        try (TrainRun run = new TrainRun(config("remote", remote("sync1", first.uri().toString())), null)) {
            run.run(-1, 0, null);
        }
        List<JsonNode> a = TrainRunTest.metrics(dir.resolve("local")), b = TrainRunTest.metrics(dir.resolve("remote"));
        assertThat(b).hasSize(3);
        for (int k = 0; k < a.size(); k++) {
            assertThat(fieldNames(b.get(k))).isEqualTo(fieldNames(a.get(k)));
            for (String f : List.of("reward_mean", "episodes", "accuracy", "episodic_return"))
                assertThat(b.get(k).get(f)).as("%s, iteration %d", f, k + 1).isEqualTo(a.get(k).get(f));
            for (String f : List.of("value_loss", "policy_loss"))
                assertThat(b.get(k).get(f).asDouble()).as("%s, iteration %d", f, k + 1)
                        .isCloseTo(a.get(k).get(f).asDouble(), within(1e-3 * Math.max(1, Math.abs(a.get(k).get(f).asDouble()))));
            for (String role : List.of("planner", "solver"))
                assertThat(b.get(k).get("first_ratio_dev_" + role).asDouble()).as("re-scored: first ratios are 1").isLessThan(1e-4);
        }
        assertThat(Files.list(dir.resolve("sync1")).map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("planner@2", "solver@2");
    }

    @Test
    void aServerKilledMidRunLeavesTheRunToTheOther() throws Exception {
        Thread killer = new Thread(() -> {
            try {
                while (!Files.exists(dir.resolve("two/metrics.jsonl"))) Thread.sleep(20);
                second.close(); // SIGKILL after the first iteration
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        try (TrainRun run = new TrainRun(config("two", remote("sync2", first.uri().toString(), second.uri().toString())), null)) {
            run.run(-1, 0, null);
        }
        killer.join();
        assertThat(second.process.isAlive()).isFalse();
        assertThat(TrainRunTest.metrics(dir.resolve("two"))).hasSize(3);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
