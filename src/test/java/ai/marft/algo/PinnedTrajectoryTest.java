package ai.marft.algo;

import ai.marft.Json;
import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.train.TrainRun;
import ai.marft.train.TrainRunTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A pinned trajectory in the style of llm.c's test_gpt2.c: the embedded model, a fixed seed, four
 * iterations (rollout, values, GAE or group advantages, PPO epochs) of each algorithm, and the value
 * and policy losses of every iteration asserted against numbers recorded once.
 *
 * <p>How the numbers were recorded: this test's own settings run on commit 40309f6 (the code
 * before the algorithm core was redesigned into one policy update and one critic update), printed
 * with {@code -Dpin.record=true}. They pin everything a self-consistent refactor could change
 * without any other test noticing: how advantages are normalised (over the rollout), how the loss
 * is weighted over chunks and minibatches (per action at action level, per token at token level),
 * the KL-to-base penalty in APPO's rewards, the order of decisions in GAE, which agents train when.
 * The first iteration of each algorithm starts from fresh adapters, so its policy loss depends only
 * on advantages and entropies; later iterations follow the updated adapters. Rollouts sample with
 * seeded RNGs and the tensor library runs one thread, so the trajectory is repeatable on a machine;
 * the tolerance (relative 2e-3) covers float32 kernels' last bits across CPUs, not a change of
 * weighting (those move the losses by whole percents).
 */
class PinnedTrajectoryTest {
    private static final double TOLERANCE = 2e-3;

    @TempDir
    Path tmp;

    /** Per algorithm: per iteration {value_loss (null for GRPO), policy_loss}. */
    static Stream<Object[]> recorded() {
        return Stream.of(
                new Object[] {"APPO", new Double[][] {{0.3897964693223912, -0.011357273906469345}, {0.09100265074812341, -0.011849256989080459}, {0.2389618487795815, -0.006460868986323476}, {0.031064013193827122, -0.006324987858533859}}},
                new Object[] {"TPPO", new Double[][] {{0.49792932454147376, -0.023974549054400995}, {0.02657464798539877, 0.03273997106589377}, {0.045099521084921435, -0.060911563225090504}, {0.0150602055946365, -0.022925300465431064}}},
                new Object[] {"GRPO", new Double[][] {{null, 0.03830337084218627}, {null, -0.0021582237277470995}, {null, -1.6349361612810753e-4}, {null, -0.006293257436482236}}});
    }

    private TrainConfig config(String algorithm) throws IOException {
        Path data = tmp.resolve("train.json");
        Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(3).generate(40).stream()
                .map(p -> Map.of("problem", p.problem(), "final_answer", p.finalAnswer())).toList());
        List<String> args = new ArrayList<>(List.of("--algorithm_name", algorithm, "--model_name_or_path", "models/tiny-arith",
                "--profile_path", "configs/arith_dual.json", "--dataset_path", data.toString(), "--env_name", "arith",
                "--run_dir", tmp.resolve(algorithm).toString(), "--n_rollout_threads", "4", "--group_size", "2",
                "--episode_length", "2", "--horizon", "2", "--num_env_steps", "32", "--max_new_tokens", "40",
                "--temperature", "1.0", "--lr", "5e-4", "--critic_lr", "1e-3", "--ppo_epoch", "2", "--num_mini_batch", "2",
                "--gradient_cp_steps", "2", "--entropy_coef", "0.01", "--agent_iteration_interval", "0", "--target_kl", "10",
                "--save_interval", "100", "--seed", "7"));
        if (algorithm.equals("APPO")) args.addAll(List.of("--kl_coef", "0.1"));
        return TrainConfigLoader.load(null, args);
    }

    @ParameterizedTest
    @MethodSource("recorded")
    void lossesFollowTheRecordedTrajectory(String algorithm, Double[][] expected) throws IOException {
        try (TrainRun run = new TrainRun(config(algorithm), null)) {
            run.run(-1, 0, null);
        }
        List<JsonNode> rows = TrainRunTest.metrics(tmp.resolve(algorithm));
        assertThat(rows).hasSize(expected.length);
        if (Boolean.getBoolean("pin.record")) {
            for (JsonNode r : rows)
                System.out.printf("PIN %s {%s, %s}%n", algorithm, r.get("value_loss"), r.get("policy_loss"));
            return;
        }
        for (int k = 0; k < rows.size(); k++) {
            JsonNode r = rows.get(k);
            assertThat(r.get("reward_mean").asDouble()).as("rollout reward, iteration %d", k + 1).isNotNaN();
            if (expected[k][0] == null) assertThat(r.get("value_loss").isNull()).as("GRPO has no critic").isTrue();
            else assertThat(r.get("value_loss").asDouble()).as("value loss, iteration %d", k + 1)
                    .isCloseTo(expected[k][0], within(TOLERANCE * Math.abs(expected[k][0]) + 1e-6));
            assertThat(r.get("policy_loss").asDouble()).as("policy loss, iteration %d", k + 1)
                    .isCloseTo(expected[k][1], within(TOLERANCE * Math.abs(expected[k][1]) + 1e-6));
        }
    }
}
