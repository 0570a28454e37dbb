package ai.marft.algo;

import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.train.EpochProblemSource;
import ai.marft.train.TrainRun;
import ai.marft.train.TrainRunTest;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.Problem;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** TrainRun with --algorithm_name TPPO and GRPO: end to end, exact resume, metrics, input checks; GRPO's repeated problem order; APPO's KL-to-base penalty. */
class TrainRunAlgorithmsTest {
    @TempDir
    Path tmp;

    private TrainConfig config(String algorithm, String runName, String... extra) throws IOException {
        Path model = tmp.resolve("model");
        if (!Files.exists(model)) TinyModels.write(model, TinyModels.Flavour.LLAMA, 9, true);
        Path data = tmp.resolve("train.json");
        if (!Files.exists(data)) Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(1).generate(5).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        List<String> args = new ArrayList<>(List.of("--algorithm_name", algorithm, "--model_name_or_path", model.toString(),
                "--profile_path", "configs/arith_dual.json", "--dataset_path", data.toString(), "--env_name", "arith",
                "--run_dir", tmp.resolve(runName).toString(), "--n_rollout_threads", "2", "--group_size", "2", "--episode_length", "2",
                "--horizon", "3", "--num_env_steps", "16", "--max_new_tokens", "4", "--temperature", "0.8", "--lr", "1e-2",
                "--critic_lr", "1e-3", "--lora_r", "4", "--ppo_epoch", "1", "--num_mini_batch", "2", "--gradient_cp_steps", "1",
                "--agent_iteration_interval", "1", "--target_kl", "10", "--save_interval", "2", "--seed", "5"));
        args.addAll(List.of(extra));
        return TrainConfigLoader.load(null, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TPPO", "GRPO"})
    void aStoppedAndResumedRunMatchesTheUninterruptedOne(String algorithm) throws IOException {
        TrainRunTest.WholeAndResumed m = TrainRunTest.wholeAndResumed(name -> config(algorithm, name), tmp);
        List<JsonNode> a = m.whole(), b = m.resumed();
        assertThat(a).hasSize(4);
        assertThat(b).isEqualTo(a);
        for (JsonNode row : a) {
            // agent-by-agent with interval 1: planner at even steps, solver at odd ones
            String trained = row.get("iteration").asInt() % 2 == 1 ? "planner" : "solver";
            assertThat(row.has("first_ratio_dev_" + trained)).as("iteration %s", row.get("iteration")).isTrue();
            assertThat(row.get("first_ratio_dev_" + trained).asDouble()).isLessThan(1e-4);
            assertThat(row.get("value_loss").isNull()).isEqualTo(algorithm.equals("GRPO"));
        }
        for (String f : List.of("planner/adapter_model.safetensors", "solver/adapter_model.safetensors", "value_head.safetensors",
                "optimizer/planner.safetensors", "optimizer/solver.safetensors", "optimizer/critic.safetensors"))
            assertThat(Files.readAllBytes(tmp.resolve("split/checkpoints/steps_0004").resolve(f)))
                    .as(f).isEqualTo(Files.readAllBytes(tmp.resolve("whole/checkpoints/steps_0004").resolve(f)));
    }

    @Test
    void envStepsGlobalStepSchedulesAgentsAsTheReference() throws IOException {
        // 2 envs x episode_length 2: the reference's global step after iteration k is 4(k + 1); interval 8 picks
        // agent floor(4(k + 1) / 8) mod 2: planner, solver, solver, planner
        try (TrainRun run = new TrainRun(config("APPO", "env", "--global_step", "env_steps", "--agent_iteration_interval", "8"), null)) {
            run.run(-1, 0, null);
        }
        List<String> trained = new ArrayList<>();
        for (JsonNode row : TrainRunTest.metrics(tmp.resolve("env")))
            trained.add(row.has("first_ratio_dev_planner") ? "planner" : row.has("first_ratio_dev_solver") ? "solver" : "none");
        assertThat(trained).containsExactly("planner", "solver", "solver", "planner");
    }

    @Test
    void aJointPolicyStepSkipsOrStepsAllAgentsTogether() throws IOException {
        try (TrainRun run = new TrainRun(config("APPO", "joint", "--policy_step", "joint", "--agent_iteration_interval", "0",
                "--target_kl", "1e-6", "--ppo_epoch", "2"), null)) {
            run.run(-1, 0, null);
        }
        int skipped = 0;
        for (JsonNode row : TrainRunTest.metrics(tmp.resolve("joint"))) {
            int s = row.get("policy_steps_skipped").asInt();
            assertThat(s % 2).as("one skip decision for both agents, iteration %s", row.get("iteration")).isZero();
            skipped += s;
        }
        assertThat(skipped).as("the tight KL threshold skipped some joint steps").isPositive();
    }

    @Test
    void badAlgorithmOrGroupSizeIsOneLine() throws IOException {
        assertThatThrownBy(() -> new TrainRun(config("PPO", "x"), null)).isInstanceOf(InputError.class)
                .hasMessage("command line: algorithm_name = PPO: must be one of APPO, TPPO, GRPO");
        assertThatThrownBy(() -> new TrainRun(config("GRPO", "x", "--group_size", "3"), null)).isInstanceOf(InputError.class)
                .hasMessage("command line: group_size = 3: GRPO needs it to divide n_rollout_threads (2)");
    }

    @Test
    void klPenaltyIsZeroWhileTheAdaptersAreFreshAndChangesNothingThen() throws IOException {
        String[] appo = {"--agent_iteration_interval", "0", "--num_env_steps", "8"};
        try (TrainRun run = new TrainRun(config("APPO", "plain", appo), null)) {
            run.run(-1, 0, null);
        }
        String[] withKl = {"--agent_iteration_interval", "0", "--num_env_steps", "8", "--kl_coef", "0.5"};
        try (TrainRun run = new TrainRun(config("APPO", "kl", withKl), null)) {
            run.run(-1, 0, null);
        }
        List<JsonNode> plain = TrainRunTest.metrics(tmp.resolve("plain")), kl = TrainRunTest.metrics(tmp.resolve("kl"));
        assertThat(kl).hasSize(2);
        // iteration 1: B = 0, so every adapter's policy is the base's: no penalty (up to the float error between
        // the sampler's cached log-probs and the scorer's, ~1e-5 per token), the same update
        for (String role : List.of("planner", "solver")) assertThat(kl.get(0).get("kl_to_base_" + role).asDouble()).isCloseTo(0, within(1e-4));
        ObjectNode first = kl.get(0).deepCopy();
        first.remove(List.of("kl_to_base_planner", "kl_to_base_solver"));
        assertThat(first.properties().stream().map(java.util.Map.Entry::getKey).toList())
                .isEqualTo(plain.get(0).properties().stream().map(java.util.Map.Entry::getKey).toList());
        first.properties().forEach(f -> {
            JsonNode want = plain.get(0).get(f.getKey());
            if (want.isNumber()) assertThat(f.getValue().asDouble()).as(f.getKey()).isCloseTo(want.asDouble(), within(1e-3 * Math.max(1, Math.abs(want.asDouble()))));
            else assertThat(f.getValue()).as(f.getKey()).isEqualTo(want);
        });
        // iteration 2: the adapters moved, so the estimate is no longer zero and the update differs
        assertThat(Math.abs(kl.get(1).get("kl_to_base_planner").asDouble()) + Math.abs(kl.get(1).get("kl_to_base_solver").asDouble()))
                .isGreaterThan(1e-3);
        assertThat(kl.get(1).get("value_loss")).isNotEqualTo(plain.get(1).get("value_loss"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TPPO", "GRPO"})
    void tokenLevelAlgorithmsTakeTheKlPenaltyToo(String algorithm) throws IOException {
        String[] withKl = {"--agent_iteration_interval", "0", "--num_env_steps", "8", "--kl_coef", "0.5"};
        try (TrainRun run = new TrainRun(config(algorithm, "kl" + algorithm, withKl), null)) {
            run.run(-1, 0, null);
        }
        List<JsonNode> kl = TrainRunTest.metrics(tmp.resolve("kl" + algorithm));
        for (String role : List.of("planner", "solver")) {
            assertThat(kl.get(0).get("kl_to_base_" + role).asDouble()).as("fresh adapters: the agents are the base").isCloseTo(0, within(1e-4));
        }
        assertThat(Math.abs(kl.get(1).get("kl_to_base_planner").asDouble()) + Math.abs(kl.get(1).get("kl_to_base_solver").asDouble()))
                .as("after an update").isGreaterThan(1e-3);
    }

    @Test
    void repeatedProblemOrderDrawsEachProblemGroupSizeTimesAndResumesMidGroup() {
        List<Problem> ps = new ArrayList<>();
        for (int k = 0; k < 3; k++) ps.add(new Problem("q" + k, String.valueOf(k)));
        EpochProblemSource once = new EpochProblemSource(ps, 7), thrice = new EpochProblemSource(ps, 7, 3);
        List<String> expected = new ArrayList<>(), got = new ArrayList<>();
        for (int k = 0; k < 6; k++) { // two epochs
            String p = once.next().problem();
            for (int r = 0; r < 3; r++) expected.add(p);
        }
        for (int k = 0; k < 18; k++) got.add(thrice.next().problem());
        assertThat(got).isEqualTo(expected);
        EpochProblemSource resumed = new EpochProblemSource(ps, 7, 3);
        resumed.seek(1, 4); // epoch 1, second draw of its second problem
        assertThat(resumed.next().problem()).isEqualTo(expected.get(9 + 4));
        assertThat(resumed.next().problem()).isEqualTo(expected.get(9 + 5));
    }
}
