package ai.marft.algo;

import ai.marft.Json;
import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.LmEngine;
import ai.marft.lm.TinyModels;
import ai.marft.train.TrainRun;
import ai.marft.train.TrainRunTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With two tensor threads the agents' policy steps and the critic's step of a minibatch run side by
 * side, each at one tensor thread; a run with one thread does the same steps one after another. Steps on
 * disjoint parameters give the same numbers either way, so the two runs' metrics must be equal to the
 * last bit (a race on a shared array or gradient would show here).
 */
class StepThreadsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void oneThreadAgain() {
        LmEngine.setThreads(1); // the suite's setting (TinyModels)
    }

    @ParameterizedTest
    @CsvSource({"APPO, per_agent", "APPO, joint", "TPPO, per_agent", "GRPO, per_agent"})
    void twoThreadsGiveOneThreadsRunToTheLastBit(String algorithm, String policyStep) throws IOException {
        List<JsonNode> one = run("one", algorithm, policyStep, 1);
        long before = StepThreads.sideBySide();
        List<JsonNode> two = run("two", algorithm, policyStep, 2);
        assertThat(StepThreads.sideBySide()).as("minibatches whose steps ran side by side").isGreaterThan(before);
        assertThat(two).hasSize(3).isEqualTo(one);
        assertThat(one.get(2).get("policy_loss_planner").asDouble()).isNotZero(); // both agents really trained
        assertThat(one.get(2).get("policy_loss_solver").asDouble()).isNotZero();
    }

    private List<JsonNode> run(String name, String algorithm, String policyStep, int threads) throws IOException {
        Path model = tmp.resolve("model");
        if (!Files.exists(model)) TinyModels.write(model, TinyModels.Flavour.QWEN2, 9, true);
        Path data = tmp.resolve("train.json");
        if (!Files.exists(data)) Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(1).generate(8).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        Path profiles = tmp.resolve("profiles.json");
        Files.writeString(profiles, """
                [{"role": "planner", "prompt": "<|im_start|>system: plan<|im_end|>\\n", "with_answer": false},
                 {"role": "solver", "prompt": "<|im_start|>system: solve<|im_end|>\\n", "with_answer": true}]""");
        TrainConfig c = TrainConfigLoader.load(null, List.of("--algorithm_name", algorithm, "--policy_step", policyStep,
                "--model_name_or_path", model.toString(), "--profile_path", profiles.toString(),
                "--dataset_path", data.toString(), "--env_name", "arith", "--run_dir", tmp.resolve(algorithm + policyStep + name).toString(),
                "--n_rollout_threads", "4", "--episode_length", "1", "--horizon", "1", "--num_env_steps", "12",
                "--max_new_tokens", "6", "--temperature", "0.8", "--lr", "1e-2", "--critic_lr", "1e-3", "--lora_r", "4",
                "--ppo_epoch", "2", "--num_mini_batch", "2", "--agent_iteration_interval", "0", "--target_kl", "10",
                "--seed", "5", "--kl_coef", "0.1"));
        LmEngine.setThreads(threads);
        try (TrainRun r = new TrainRun(c, null)) {
            r.run(-1, 0, null);
        }
        return TrainRunTest.metrics(tmp.resolve(algorithm + policyStep + name));
    }
}
