package ai.marft.algo;

import ai.marft.Json;
import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;
import ai.marft.train.TrainRunTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A team with a router trains end to end with every algorithm and resumes exactly. On a random tiny
 * model the router never writes a well-formed {@code call:} line, so every step falls back to the
 * default route (the solver alone): the planner never acts, its decisions are absent, and the router
 * is charged the penalty at every step.
 */
class RoutedTrainingTest {
    @TempDir
    Path tmp;

    private TrainConfig config(String algorithm, String runName) throws IOException {
        Path model = tmp.resolve("model");
        if (!Files.exists(model)) TinyModels.write(model, TinyModels.Flavour.LLAMA, 9, true);
        Path data = tmp.resolve("train.json");
        if (!Files.exists(data)) Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(1).generate(5).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        Path profiles = tmp.resolve("routed.json");
        Files.writeString(profiles, """
                [{"role": "router", "prompt": "route", "with_answer": false, "router": true, "default_route": ["solver"]},
                 {"role": "planner", "prompt": "plan", "with_answer": false, "depends_on": ["router"]},
                 {"role": "solver", "prompt": "solve", "with_answer": true, "depends_on": ["router", "planner"]}]""");
        List<String> args = new ArrayList<>(List.of("--algorithm_name", algorithm, "--model_name_or_path", model.toString(),
                "--profile_path", profiles.toString(), "--dataset_path", data.toString(), "--env_name", "arith",
                "--run_dir", tmp.resolve(runName).toString(), "--n_rollout_threads", "2", "--group_size", "2", "--episode_length", "2",
                "--horizon", "3", "--num_env_steps", "12", "--max_new_tokens", "4", "--temperature", "0.8", "--lr", "1e-2",
                "--critic_lr", "1e-3", "--lora_r", "4", "--ppo_epoch", "1", "--num_mini_batch", "2", "--gradient_cp_steps", "1",
                "--agent_iteration_interval", "1", "--target_kl", "10", "--save_interval", "2", "--seed", "5", "--router_penalty", "-0.25"));
        return TrainConfigLoader.load(null, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPO", "TPPO", "GRPO"})
    void absentDecisionsTrainAndResumeExactly(String algorithm) throws IOException {
        TrainRunTest.WholeAndResumed m = TrainRunTest.wholeAndResumed(name -> config(algorithm, name), tmp);
        List<JsonNode> whole = m.whole(), split = m.resumed();
        assertThat(whole).hasSize(3);
        assertThat(split).isEqualTo(whole);
        for (JsonNode row : whole) {
            assertThat(row.get("router_fallbacks").asInt()).isEqualTo(4); // 2 environments x 2 steps
            assertThat(row.get("route_solver").asDouble()).isEqualTo(1.0);
            assertThat(row.has("first_ratio_dev_planner")).as("the planner never acted, so never trained").isFalse();
            // reward_mean sums each joint step's rewards: the solver's score plus the router's penalty
            assertThat(row.get("reward_mean").asDouble()).isLessThanOrEqualTo(1 - 0.25 + 1e-9);
        }
        // the agent schedule picks router, planner, solver in turn: the router and the solver train with first ratios 1,
        // the planner's turn passes without a step
        assertThat(whole.get(0).get("first_ratio_dev_router").asDouble()).isCloseTo(0, within(1e-4));
        assertThat(whole.get(2).get("first_ratio_dev_solver").asDouble()).isCloseTo(0, within(1e-4));
    }
}
