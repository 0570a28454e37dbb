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

/**
 * Flex-MG heterogeneous agents end to end: the planner on one tiny base (Qwen2 layout), the solver on
 * another (Llama layout), each adapter on its own base, exact resume for every algorithm, the base
 * recorded in each adapter's config; agents on another tokenizer than the critic's, with either critic.
 */
class HeterogeneousTrainingTest {
    @TempDir
    Path tmp;

    /** Profiles with the planner on {@code plannerModel} (relative to the profiles file), the solver on the run's model. */
    private Path profiles(String plannerModel) throws IOException {
        Path f = tmp.resolve("profiles/" + plannerModel.replaceAll("\\W", "_") + ".json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, """
                [{"role": "planner", "prompt": "<|im_start|>system: plan<|im_end|>\\n", "with_answer": false, "model": "%s"},
                 {"role": "solver", "prompt": "<|im_start|>system: solve<|im_end|>\\n", "with_answer": true}]""".formatted(plannerModel));
        return f;
    }

    private TrainConfig config(String algorithm, String runName, Path profiles, String... extra) throws IOException {
        Path a = tmp.resolve("base_a"), b = tmp.resolve("base_b");
        if (!Files.exists(a)) TinyModels.write(a, TinyModels.Flavour.LLAMA, 9, true);
        if (!Files.exists(b)) TinyModels.write(b, TinyModels.Flavour.QWEN2, 11, true);
        Path data = tmp.resolve("train.json");
        if (!Files.exists(data)) Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(1).generate(5).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        List<String> args = new ArrayList<>(List.of("--algorithm_name", algorithm, "--model_name_or_path", a.toString(),
                "--profile_path", profiles.toString(), "--dataset_path", data.toString(), "--env_name", "arith",
                "--run_dir", tmp.resolve(runName).toString(), "--n_rollout_threads", "2", "--group_size", "2", "--episode_length", "2",
                "--horizon", "3", "--num_env_steps", "16", "--max_new_tokens", "4", "--temperature", "0.8", "--lr", "1e-2",
                "--critic_lr", "1e-3", "--lora_r", "4", "--ppo_epoch", "1", "--num_mini_batch", "2", "--gradient_cp_steps", "1",
                "--agent_iteration_interval", "1", "--target_kl", "10", "--save_interval", "2", "--seed", "5"));
        args.addAll(List.of(extra));
        return TrainConfigLoader.load(null, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPO", "TPPO", "GRPO"})
    void twoBasesTrainAndResumeExactly(String algorithm) throws IOException {
        Path team = profiles("../base_b");
        try (TrainRun run = new TrainRun(config(algorithm, "whole", team), null)) {
            TeamEngines e = run.engines();
            assertThat(e.distinct()).hasSize(2); // each distinct base loaded once
            assertThat(e.agent(0)).isNotSameAs(e.agent(1));
            assertThat(e.critic()).isSameAs(e.agent(0)); // default critic_model: the first agent's base
            assertThat(e.agent(0).adapters().names()).containsExactly("planner"); // each adapter on its own base only
            assertThat(e.agent(1).adapters().names()).containsExactly("solver");
            run.run(-1, 0, null);
        }
        Path checkpoint;
        try (TrainRun run = new TrainRun(config(algorithm, "split", team), null)) {
            checkpoint = run.run(2, 0, null);
        }
        try (TrainRun run = new TrainRun(config(algorithm, "split", team), checkpoint)) {
            run.run(-1, 0, null);
        }
        List<JsonNode> whole = TrainRunTest.metrics(tmp.resolve("whole")), split = TrainRunTest.metrics(tmp.resolve("split"));
        assertThat(whole).hasSize(4);
        assertThat(split).isEqualTo(whole);
        for (JsonNode row : whole) {
            String trained = row.get("iteration").asInt() % 2 == 1 ? "planner" : "solver";
            // behaviour log-probs recorded by each base's sampler match its own scorer: first ratios 1
            assertThat(row.get("first_ratio_dev_" + trained).asDouble()).as("iteration %s", row.get("iteration")).isLessThan(1e-4);
        }
        Path last = tmp.resolve("whole/checkpoints/steps_0004");
        for (String f : List.of("planner/adapter_model.safetensors", "solver/adapter_model.safetensors", "value_head.safetensors"))
            assertThat(Files.readAllBytes(tmp.resolve("split/checkpoints/steps_0004").resolve(f))).as(f).isEqualTo(Files.readAllBytes(last.resolve(f)));
        assertThat(TeamParameters.adapterBase(last, "planner")).isEqualTo(tmp.resolve("base_b").toAbsolutePath().normalize());
        assertThat(TeamParameters.adapterBase(last, "solver")).isEqualTo(tmp.resolve("base_a"));
    }

    @Test
    void evalCheckpointRebuildsTheTeamOnEachAdaptersBase() throws IOException {
        Path team = profiles("../base_b");
        Path checkpoint;
        try (TrainRun run = new TrainRun(config("APPO", "for_eval", team, "--num_env_steps", "4"), null)) {
            checkpoint = run.run(-1, 0, null);
        }
        Path data = tmp.resolve("train.json"), viaCli = tmp.resolve("cli.jsonl"), direct = tmp.resolve("direct.jsonl");
        assertThat(ai.marft.cli.Main.run("eval", "--checkpoint", checkpoint.toString(), "--dataset", data.toString(), "--records",
                viaCli.toString(), "--json")).isZero();
        // the same evaluation on a team built by hand: planner's adapter on base B, solver's on base A
        TrainConfig c = config("APPO", "for_eval", team);
        try (TeamEngines e = TeamEngines.load(List.of(tmp.resolve("base_b"), tmp.resolve("base_a")), null)) {
            e.agent(0).adapters().load("planner", checkpoint.resolve("planner"));
            e.agent(1).adapters().load("solver", checkpoint.resolve("solver"));
            ai.marft.mas.Team t = ai.marft.mas.Profiles.load(team);
            var policy = new ai.marft.mas.TeamPolicy(t, e.generators(), ai.marft.mas.TeamPolicy.roleAdapters(t), Algorithm.samplingParams(c), Integer.MAX_VALUE);
            new ai.marft.eval.Evaluator(policy, ai.marft.env.Tasks.grader("arith")).run(ai.marft.env.Datasets.load(data),
                    new ai.marft.eval.EvaluatorOptions(5, 1, 0, 1, ai.marft.eval.EvaluatorOptions.DEFAULT_BATCH), null).writeJsonl(direct);
        }
        assertThat(Files.readAllLines(viaCli)).isEqualTo(Files.readAllLines(direct)).hasSize(5);
    }

    @Test
    void criticModelPicksTheCriticsBase() throws IOException {
        Path team = profiles("../base_b");
        Path b = tmp.resolve("base_b");
        try (TrainRun run = new TrainRun(config("APPO", "critic_b", team, "--critic_model", b.toString(), "--num_env_steps", "4"), null)) {
            assertThat(run.engines().critic()).isSameAs(run.engines().agent(0));
            assertThat(run.engines().distinct()).hasSize(2);
            run.run(-1, 0, null);
        }
        // a critic on a third base: loaded once more, the agents' adapters untouched by it
        Path c = tmp.resolve("base_c");
        TinyModels.write(c, TinyModels.Flavour.LLAMA, 13, true);
        try (TrainRun run = new TrainRun(config("TPPO", "critic_c", team, "--critic_model", c.toString(), "--num_env_steps", "4"), null)) {
            assertThat(run.engines().distinct()).hasSize(3);
            assertThat(run.engines().critic().adapters().names()).isEmpty();
            run.run(-1, 0, null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPO", "TPPO"})
    void agentsOnAnotherTokenizerTrainWithEitherCritic(String algorithm) throws IOException {
        // the planner on the embedded arith model (its own 384-id tokenizer), the solver and critic on a byte-tokenizer base (259 ids):
        // the planner's ids would not even index the critic's embeddings, so TPPO reads its action text (TokenAlignment)
        Path team = profiles(Path.of("models/tiny-arith").toAbsolutePath().toString().replace("\\", "/"));
        String critic = tmp.resolve("base_a").toString(), run = "mixed_" + algorithm;
        try (TrainRun r = new TrainRun(config(algorithm, run, team, "--num_env_steps", "8", "--max_new_tokens", "12", "--kl_coef", "0.1",
                "--critic_model", critic), null)) {
            assertThat(r.engines().sharesCriticTokenizer(0)).isFalse();
            r.run(-1, 0, null);
        }
        List<JsonNode> rows = TrainRunTest.metrics(tmp.resolve(run));
        assertThat(rows).hasSize(2);
        for (JsonNode row : rows)
            for (String k : List.of("value_loss", "policy_loss", "kl_to_base_planner", "kl_to_base_solver"))
                assertThat(Double.isFinite(row.get(k).asDouble(Double.NaN))).as("%s at iteration %s: %s", k, row.get("iteration"), row.get(k)).isTrue();
    }

    @Test
    void tppoTrainsTheHeteroTeamOfTheShippedConfig() throws IOException {
        // configs/arith_hetero.json: the planner on models/tiny-arith-b (the critic's base, the first agent's), the solver on
        // models/tiny-arith: another tokenizer than the critic's
        String[] extra = {"--model_name_or_path", "models/tiny-arith", "--num_env_steps", "8", "--max_new_tokens", "16", "--kl_coef", "0.1"};
        try (TrainRun run = new TrainRun(config("TPPO", "hetero", Path.of("configs/arith_hetero.json"), extra), null)) {
            assertThat(run.engines().critic()).isSameAs(run.engines().agent(0));
            assertThat(run.engines().sharesCriticTokenizer(1)).isFalse();
            run.run(-1, 0, null);
        }
        List<JsonNode> rows = TrainRunTest.metrics(tmp.resolve("hetero"));
        assertThat(rows).hasSize(2);
        for (JsonNode row : rows) {
            String trained = row.get("iteration").asInt() % 2 == 1 ? "planner" : "solver";
            for (String k : List.of("value_loss", "policy_loss", "kl_to_base_planner", "kl_to_base_solver"))
                assertThat(Double.isFinite(row.get(k).asDouble(Double.NaN))).as("%s at iteration %s: %s", k, row.get("iteration"), row.get(k)).isTrue();
            assertThat(row.get("first_ratio_dev_" + trained).asDouble()).isLessThan(1e-4);
        }
    }
}
