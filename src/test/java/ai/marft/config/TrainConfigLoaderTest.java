package ai.marft.config;

import ai.marft.InputError;

import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainConfigLoaderTest {
    @Test
    void referenceSampleLaunchFlagsAreAccepted() {
        TrainConfig c = TrainConfigLoader.load(null, List.of(
                "--seed", "10", "--env_name", "math_env", "--algorithm_name", "APPO", "--experiment_name", "x",
                "--dataset_name", "MATH", "--flag", "train", "--num_mini_batch", "1", "--ppo_epoch", "1",
                "--lr", "1e-6", "--critic_lr", "5e-5", "--dataset_path", "d.json", "--model_name_or_path", "m",
                "--n_agents", "2", "--agent_iteration_interval", "1000", "--profile_path", "p.json",
                "--n_rollout_threads", "4", "--episode_length", "1", "--gradient_cp_steps", "2",
                "--context_window", "2048", "--max_new_tokens", "512", "--save_interval", "1000"));
        assertThat(c.lr).isEqualTo(1e-6);
        assertThat(c.criticLr).isEqualTo(5e-5);
        assertThat(c.profilePath).isEqualTo("p.json");
        assertThat(c.nRolloutThreads).isEqualTo(4);
        assertThat(c.seed).isEqualTo(10);
    }

    @Test
    void fileThenFlagsAndStoreFalseSemantics(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "lr: 3.0e-4\nppo_epoch: 4\nalgorithm_name: TPPO\n");
        TrainConfig c = TrainConfigLoader.load(yaml, List.of("--ppo_epoch=2", "--use_huber_loss", "--use_eval",
                "--model_name_or_path", "m", "--profile_path", "p.json", "--dataset_path", "d.json", "--eval_dataset_path", "e.json"));
        assertThat(c.lr).isEqualTo(3e-4);
        assertThat(c.ppoEpoch).isEqualTo(2);
        assertThat(c.useHuberLoss).isFalse(); // store_false in the reference
        assertThat(c.useEval).isTrue();
        assertThat(c.effectiveTargetKl()).isEqualTo(1.7e-6);
    }

    @Test
    void badInputIsOneLineNamingTheOption(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("--no_such", "1")))
                .isInstanceOf(InputError.class).hasMessageContaining("no_such");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("--ppo_epoch", "many")))
                .isInstanceOf(InputError.class).hasMessageContaining("ppo_epoch");
        assertThatThrownBy(() -> TrainConfigLoader.load(dir.resolve("missing.yaml"), List.of()))
                .isInstanceOf(InputError.class).hasMessageContaining("missing.yaml");
    }

    /** Qwen2.5-Instruct's generation_config.json: HF generate, called as the reference does (temperature 0.5, top_k 50), samples with top_p 0.8. */
    @Test
    void generationConfigSuppliesTopPUnlessTheRunSetsIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("generation_config.json"), """
                {"bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
                 "repetition_penalty": 1.05, "temperature": 0.7, "top_p": 0.8, "top_k": 20}""");
        TrainConfig c = TrainConfigLoader.load(null, List.of("--profile_path", "p.json", "--dataset_path", "d.json", "--model_name_or_path", dir.toString()));
        assertThat(c.topP).isEqualTo(0.8);
        assertThat(c.temperature).isEqualTo(0.5); // passed by the reference's generate call, so the file's 0.7 does not apply
        assertThat(c.topK).isEqualTo(50);
        assertThat(TrainConfigLoader.load(null, List.of("--profile_path", "p.json", "--dataset_path", "d.json", "--model_name_or_path", dir.toString(), "--top_p", "1")).topP).isEqualTo(1.0);

        Files.writeString(dir.resolve("generation_config.json"), "{\"do_sample\": false, \"top_p\": 0.8}");
        assertThat(TrainConfigLoader.load(null, List.of("--profile_path", "p.json", "--dataset_path", "d.json", "--model_name_or_path", dir.toString())).topP).isEqualTo(1.0);
        Files.writeString(dir.resolve("generation_config.json"), "{\"top_p\": 1.5}");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("--profile_path", "p.json", "--dataset_path", "d.json", "--model_name_or_path", dir.toString())))
                .isInstanceOf(InputError.class).hasMessageContaining("generation_config.json").hasMessageContaining("top_p");
    }
}
