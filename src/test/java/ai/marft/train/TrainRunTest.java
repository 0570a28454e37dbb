package ai.marft.train;

import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;

import ai.marft.Json;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Training runs end to end on a tiny random model: metrics, checkpoints, and exact resume. */
public class TrainRunTest {
    @TempDir
    Path tmp;

    private TrainConfig config(String runName) throws IOException {
        Path model = tmp.resolve("model");
        if (!Files.exists(model)) TinyModels.write(model, TinyModels.Flavour.LLAMA, 9, true);
        Path data = tmp.resolve("train.json");
        if (!Files.exists(data)) Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(1).generate(5).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        Path profiles = tmp.resolve("profiles.json");
        Files.writeString(profiles, """
                [{"role": "planner", "prompt": "<|im_start|>system: plan<|im_end|>\\n", "with_answer": false},
                 {"role": "solver", "prompt": "<|im_start|>system: solve<|im_end|>\\n", "with_answer": true}]""");
        TrainConfig c = TrainConfigLoader.load(null, List.of("--model_name_or_path", model.toString(), "--profile_path", profiles.toString(),
                "--dataset_path", data.toString(), "--env_name", "arith", "--run_dir", tmp.resolve(runName).toString(),
                "--n_rollout_threads", "2", "--episode_length", "2", "--horizon", "3", "--num_env_steps", "16",
                "--max_new_tokens", "6", "--temperature", "0.8", "--lr", "1e-2", "--critic_lr", "1e-3", "--lora_r", "4",
                "--ppo_epoch", "2", "--num_mini_batch", "2", "--gradient_cp_steps", "2", "--agent_iteration_interval", "1",
                "--target_kl", "10", "--save_interval", "2", "--seed", "5", "--use_linear_lr_decay",
                "--kl_coef", "0.1")); // the demo's KL-to-base penalty: resume must stay exact with it too
        assertThat(c.iterations()).isEqualTo(4);
        return c;
    }

    /** A test's run config by run name (writing its files may fail). */
    public interface RunConfig {
        TrainConfig of(String name) throws IOException;
    }

    /** The metrics of an uninterrupted run and of one stopped after two iterations and resumed from that checkpoint. */
    public record WholeAndResumed(List<JsonNode> whole, List<JsonNode> resumed) {}

    /**
     * Runs {@code config.of("whole")} to its end, then {@code config.of("split")} for two iterations and
     * from their checkpoint to its end; each name is the run's folder under {@code runs}.
     */
    public static WholeAndResumed wholeAndResumed(RunConfig config, Path runs) throws IOException {
        try (TrainRun run = new TrainRun(config.of("whole"), null)) {
            run.run(-1, 0, null);
        }
        Path checkpoint;
        try (TrainRun run = new TrainRun(config.of("split"), null)) {
            checkpoint = run.run(2, 0, null);
        }
        try (TrainRun run = new TrainRun(config.of("split"), checkpoint)) {
            run.run(-1, 0, null);
        }
        return new WholeAndResumed(metrics(runs.resolve("whole")), metrics(runs.resolve("split")));
    }

    /** The run's metrics.jsonl rows without the measured (machine-dependent) fields: timings and memory. */
    public static List<JsonNode> metrics(Path runDir) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
            ObjectNode o = (ObjectNode) Json.MAPPER.readTree(line);
            List<String> timing = new ArrayList<>();
            o.fieldNames().forEachRemaining(n -> { if (n.startsWith("seconds_") || n.equals("tokens_per_s") || n.equals("rss_mb") || n.equals("heap_mb")) timing.add(n); });
            timing.forEach(o::remove);
            rows.add(o);
        }
        return rows;
    }

    @Test
    void aStoppedAndResumedRunMatchesTheUninterruptedOne() throws IOException {
        TrainConfig whole = config("whole");
        try (TrainRun run = new TrainRun(whole, null)) {
            run.run(-1, 0, null);
        }
        TrainConfig first = config("split");
        Path checkpoint;
        try (TrainRun run = new TrainRun(first, null)) {
            checkpoint = run.run(2, 0, null);
        }
        assertThat(checkpoint.getFileName().toString()).isEqualTo("steps_0002");
        assertThat(AtomicDir.isComplete(checkpoint)).isTrue();
        try (TrainRun run = new TrainRun(config("split"), checkpoint)) {
            assertThat(run.iteration()).isEqualTo(2);
            run.run(-1, 0, null);
        }
        List<JsonNode> a = metrics(tmp.resolve("whole")), b = metrics(tmp.resolve("split"));
        assertThat(a).hasSize(4);
        assertThat(b).isEqualTo(a);
        // episodes spanned iterations (horizon 3 > episode_length 2), so the snapshot carried episodes in flight
        assertThat(a.get(1).get("episodes").asInt()).isLessThan(4);
        for (String f : List.of("planner/adapter_model.safetensors", "solver/adapter_model.safetensors", "value_head.safetensors",
                "optimizer/planner.safetensors", "optimizer/solver.safetensors", "optimizer/critic.safetensors"))
            assertThat(Files.readAllBytes(tmp.resolve("split/checkpoints/steps_0004").resolve(f)))
                    .as(f).isEqualTo(Files.readAllBytes(tmp.resolve("whole/checkpoints/steps_0004").resolve(f)));
    }

    @Test
    void aTimeLimitedRunResumesItsBudgetAndLearningRateSchedule() throws IOException {
        // the budget's clock reads 10 s per iteration done, so both runs see the same times at the same iterations
        double minutes = 0.5; // 30 s: three of the config's four iterations
        try (TrainRun run = new TrainRun(config("whole"), null)) {
            run.useClock(() -> run.iteration() * 10_000_000_000L);
            run.run(-1, minutes, null);
        }
        Path checkpoint;
        try (TrainRun run = new TrainRun(config("split"), null)) {
            run.useClock(() -> run.iteration() * 10_000_000_000L);
            checkpoint = run.run(2, minutes, null);
        }
        assertThat(Checkpoints.readState(checkpoint).budgetSecondsSpent()).isEqualTo(20.0);
        try (TrainRun run = new TrainRun(config("split"), checkpoint)) {
            run.useClock(() -> run.iteration() * 10_000_000_000L);
            run.run(-1, minutes, null);
        }
        List<JsonNode> a = metrics(tmp.resolve("whole")), b = metrics(tmp.resolve("split"));
        assertThat(a).hasSize(3);
        assertThat(b).isEqualTo(a);
        // linear decay over the budget: 1, 2/3, 1/3 of the rate at the starts of iterations 1, 2, 3
        double[] want = {1e-2, 1e-2 * 2 / 3, 1e-2 / 3};
        for (int k = 0; k < 3; k++) assertThat(a.get(k).get("lr").asDouble()).as("lr of iteration %d", k + 1).isCloseTo(want[k], within(1e-15));
    }

    @Test
    void loadPathWarmStartsFromTheAdaptersAlone() throws IOException {
        Path checkpoint;
        try (TrainRun run = new TrainRun(config("first"), null)) {
            checkpoint = run.run(2, 0, null);
        }
        TrainConfig warm = config("warm");
        warm.loadPath = checkpoint.toString();
        try (TrainRun run = new TrainRun(warm, null)) {
            assertThat(run.iteration()).as("a warm start counts from 0").isZero();
            // the adapters are the checkpoint's, the critic and the optimizers are fresh
            for (String role : List.of("planner", "solver"))
                assertThat(ai.marft.lm.Params.flat(run.engine().adapters().get(role).parameters()))
                        .isEqualTo(adapterValues(checkpoint, role));
            assertThat(run.trainer().parameters().agentOptimizer(0).stepCount(0)).isZero();
        }
        warm.loadPath = tmp.resolve("nowhere").toString();
        assertThatThrownBy(() -> new TrainRun(warm, null)).isInstanceOf(ai.marft.InputError.class)
                .hasMessageContaining("load_path " + tmp.resolve("nowhere") + ": no PEFT adapter for role 'planner'");
    }

    private float[] adapterValues(Path checkpoint, String role) throws IOException {
        try (ai.marft.lm.LmEngine e = ai.marft.lm.LmEngine.load(tmp.resolve("model"))) {
            return ai.marft.lm.Params.flat(e.adapters().load(role, checkpoint.resolve(role)).parameters());
        }
    }

    @Test
    void metricsLinesCarryTheIterationsDiagnostics() throws IOException {
        TrainConfig c = config("m");
        c.useEval = true;
        c.evalInterval = 1;
        c.evalEpisodes = 3;
        c.evalDatasetPath = c.datasetPath;
        try (TrainRun run = new TrainRun(c, null)) {
            run.run(1, 0, null);
        }
        JsonNode row = Json.MAPPER.readTree(Files.readAllLines(tmp.resolve("m/metrics.jsonl")).getFirst());
        for (String f : List.of("iteration", "reward_mean", "episodes", "value_loss", "policy_loss", "entropy", "approx_kl", "clip_fraction",
                "grad_norm_critic", "grad_norm_planner", "first_ratio_dev_planner", "tokens_per_s", "seconds_rollout", "seconds_update", "rss_mb"))
            assertThat(row.has(f)).as(f).isTrue();
        assertThat(row.get("first_ratio_dev_planner").asDouble()).isLessThan(1e-4);
        assertThat(row.get("eval_n").asInt()).isEqualTo(3);
        assertThat(row.get("eval_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(row.has("grad_norm_solver")).as("agent-by-agent: only the planner at step 0").isFalse();
        JsonNode info = Json.MAPPER.readTree(tmp.resolve("m/run_info.json").toFile());
        assertThat(info.path("config").path("seed").asLong()).isEqualTo(5);
        assertThat(info.path("versions").path("djl").asText()).isNotBlank();
    }

    @Test
    void linearDecayFollowsIterationsOrTheTimeBudgetWhicheverRunsOutFirst() {
        assertThat(TrainRun.decayFactor(0, 100, 1)).isEqualTo(1.0);
        assertThat(TrainRun.decayFactor(25, 100, 1)).isEqualTo(0.75);
        assertThat(TrainRun.decayFactor(25, 100, 0.5)).isEqualTo(0.5);   // a time-bound run: half the budget left
        assertThat(TrainRun.decayFactor(90, 100, 0.5)).isCloseTo(0.1, within(1e-12));
        assertThat(TrainRun.decayFactor(10, 1_000_000, 0)).isEqualTo(0.0); // budget spent
    }
}
