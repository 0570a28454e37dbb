package ai.marft.badinput;

import java.util.List;

import static ai.marft.badinput.Fixture.evalArgs;
import static ai.marft.badinput.Fixture.model;
import static ai.marft.badinput.Fixture.trainArgs;
import static ai.marft.badinput.Fixture.write;

/** Bad options: training configs and flags, sampling values of eval/generate, token ids, other commands' options. */
final class OptionCases {
    private OptionCases() {}

    static List<Case> all() {
        return List.of(
                // --- training options from flags: each names the option, the value and the range
                flag("train-temperature-negative", "temperature", "-1", "must be > 0"),
                flag("train-temperature-nan", "temperature", "NaN", "must be > 0"),
                flag("train-top-p-above-1", "top_p", "1.5", "(0, 1]"),
                flag("train-top-k-negative", "top_k", "-1", ">= 0"),
                flag("train-max-new-tokens-0", "max_new_tokens", "0", ">= 1"),
                flag("train-lr-negative", "lr", "-0.001", ">= 0"),
                flag("train-clip-param-negative", "clip_param", "-0.2", "> 0"),
                flag("train-lora-r-0", "lora_r", "0", ">= 1"),
                flag("train-gamma-2.5", "gamma", "2.5", "[0, 1]"),
                flag("train-save-interval-negative", "save_interval", "-3", ">= 0"),
                flag("train-algorithm-ppox", "algorithm_name", "PPOX", "APPO, TPPO, GRPO"),
                flag("train-n-rollout-threads-0", "n_rollout_threads", "0", ">= 1"),
                flag("train-ppo-epoch-0", "ppo_epoch", "0", ">= 1"),
                flag("train-num-env-steps-0", "num_env_steps", "0", ">= 1"),
                flag("train-episode-length-0", "episode_length", "0", ">= 1"),
                flag("train-horizon-0", "horizon", "0", ">= 1"),
                flag("train-env-name-unknown", "env_name", "chess", "arith"),
                flag("train-normalization-mode-unknown", "normalization_mode", "max", "sum"),
                Case.of("train-num-mini-batch-above-batch", dir -> trainArgs(dir.resolve("run"), "--num_mini_batch", "5"), "num_mini_batch", "5", "2"),
                Case.of("train-context-window-below-max-new-tokens", dir -> trainArgs(dir.resolve("run"), "--context_window", "4"),
                        "context_window", "4", "max_new_tokens"),
                Case.of("train-grpo-group-size", dir -> trainArgs(dir.resolve("run"), "--algorithm_name", "GRPO", "--group_size", "3"),
                        "group_size", "3"),
                Case.of("train-kl-coef-negative", dir -> trainArgs(dir.resolve("run"), "--algorithm_name", "TPPO", "--kl_coef", "-0.1"), "kl_coef", "-0.1"),
                Case.of("train-device-unknown", dir -> trainArgs(dir.resolve("run"), "--device", "tpu"), "device", "tpu"),
                Case.of("train-lr-not-a-number", dir -> trainArgs(dir.resolve("run"), "--lr", "fast"), "lr", "fast"),
                Case.of("train-unknown-flag", dir -> trainArgs(dir.resolve("run"), "--no_such_option", "1"), "no_such_option"),
                Case.of("train-iterations-negative", dir -> trainArgs(dir.resolve("run"), "--iterations", "-5"), "--iterations", "-5"),
                Case.of("train-threads-0", dir -> trainArgs(dir.resolve("run"), "--threads", "0"), "--threads", "0"),
                Case.of("train-iterations-not-a-number", dir -> trainArgs(dir.resolve("run"), "--iterations", "many"), "--iterations", "many"),
                Case.of("train-missing-model", dir -> new String[]{"train", "--lr", "1e-3", "--run_dir", dir.resolve("run").toString()},
                        "model_name_or_path"),

                // --- training options from a YAML/JSON config file: the line names the file
                yaml("config-unknown-key", "lr: 0.001\nlearning_rate: 0.1\n", "{dir}/run.yaml", "learning_rate"),
                yaml("config-bad-type", "ppo_epoch: three\n", "{dir}/run.yaml", "ppo_epoch", "three"),
                yaml("config-duplicate-key", "lr: 0.001\nlr: 0.01\n", "{dir}/run.yaml", "lr"),
                yaml("config-gamma-out-of-range", "gamma: 2.5\n", "{dir}/run.yaml", "gamma", "2.5"),
                yaml("config-list-for-number", "lr: [0.1, 0.2]\n", "{dir}/run.yaml", "lr"),
                yaml("config-not-a-mapping", "- lr\n- gamma\n", "{dir}/run.yaml", "mapping"),
                yaml("config-yaml-syntax", "lr: 0.001\n  gamma: [\n", "{dir}/run.yaml"),
                Case.of("config-json-num-mini-batch", dir -> trainArgs(dir.resolve("run"), "--config",
                        write(dir.resolve("run.json"), "{\"num_mini_batch\": 9}").toString()), "{dir}/run.json", "num_mini_batch", "9"),
                Case.of("config-is-a-folder", dir -> trainArgs(dir.resolve("run"), "--config", dir.toString()), "{dir}", "folder"),
                yaml("config-duplicate-key-line", "lr: 0.001\ngamma: 0.9\ngamma: 0.99\n", "{dir}/run.yaml", "line 3", "gamma"),
                Case.of("config-missing-file", dir -> trainArgs(dir.resolve("run"), "--config", dir.resolve("none.yaml").toString()),
                        "{dir}/none.yaml", "no such file"),

                // --- sampling and run options of eval: the declared ranges of the training options
                Case.of("eval-temperature-negative", dir -> evalArgs(dir, "--temperature", "-1"), "--temperature", "-1"),
                Case.of("eval-temperature-nan", dir -> evalArgs(dir, "--temperature", "NaN"), "--temperature", "NaN"),
                Case.of("eval-top-k-negative", dir -> evalArgs(dir, "--top-k", "-1"), "--top-k", "-1"),
                Case.of("eval-max-new-tokens-0", dir -> evalArgs(dir, "--max-new-tokens", "0"), "--max-new-tokens", "0"),
                Case.of("eval-samples-0", dir -> evalArgs(dir, "--samples", "0"), "--samples", "0"),
                Case.of("eval-horizon-0", dir -> evalArgs(dir, "--horizon", "0"), "--horizon", "0"),
                Case.of("eval-batch-0", dir -> evalArgs(dir, "--batch", "0"), "--batch", "0"),
                Case.of("eval-n-above-dataset", dir -> evalArgs(dir, "--n", "10"), "--n", "10", "6"),
                Case.of("eval-n-0", dir -> evalArgs(dir, "--n", "0"), "--n", "0"),
                Case.of("eval-task-unknown", dir -> evalArgs(dir, "--task", "chess"), "--task", "chess"),
                Case.of("eval-threads-0", dir -> evalArgs(dir, "--threads", "0"), "--threads", "0"),
                Case.of("eval-samples-not-a-number", dir -> evalArgs(dir, "--samples", "many"), "--samples", "many"),

                // --- generate and logprobs (the cases whose checks live outside lm/ and Generate)
                Case.of("generate-temperature-negative", dir -> generate("--temperature", "-1"), "temperature", "-1"),
                Case.of("generate-top-p-above-1", dir -> generate("--top-p", "1.5"), "top", "1.5"),
                Case.of("generate-batch-0", dir -> generate("--batch", "0"), "--batch", "0"),
                Case.of("generate-threads-0", dir -> generate("--threads", "0"), "--threads", "0"),
                Case.of("logprobs-ids-out-of-vocabulary", dir -> new String[]{"logprobs", "--model", model.toString(), "--ids", "1,2,999"}, "999", "vocabulary"),
                Case.of("logprobs-ids-not-numbers", dir -> new String[]{"logprobs", "--model", model.toString(), "--ids", "1,two,3"}, "--ids", "two"),
                Case.of("logprobs-ids-negative", dir -> new String[]{"logprobs", "--model", model.toString(), "--ids", "1,-4"}, "-4"),
                Case.of("logprobs-ids-one", dir -> new String[]{"logprobs", "--model", model.toString(), "--ids", "7"}, "--ids", "at least 2"),

                // --- other commands
                Case.of("arith-dataset-n-0", dir -> new String[]{"arith-dataset", "--out", dir.resolve("a.json").toString(), "--n", "0"}, "--n", "0"),
                Case.of("arith-dataset-n-not-a-number", dir -> new String[]{"arith-dataset", "--out", dir.resolve("a.json").toString(), "--n", "ten"},
                        "--n", "ten"),
                Case.of("grade-timeout-0", dir -> new String[]{"grade", "--pairs", write(dir.resolve("p.jsonl"), "{\"pred\": \"1\", \"gold\": \"1\"}\n").toString(),
                        "--timeout-ms", "0"}, "--timeout-ms", "0"),
                Case.of("pretrain-threads-0", dir -> new String[]{"pretrain", "--out", dir.resolve("m").toString(), "--threads", "0"}, "--threads", "0"),
                Case.of("pretrain-eval-problems-negative", dir -> new String[]{"pretrain", "--out", dir.resolve("m").toString(), "--eval-problems", "-1"},
                        "--eval-problems", "-1"),
                Case.of("pretrain-steps-0", dir -> new String[]{"pretrain", "--out", dir.resolve("m").toString(), "--steps", "0"}, "--steps", "0"),
                Case.of("pretrain-hidden-0", dir -> new String[]{"pretrain", "--out", dir.resolve("m").toString(), "--hidden", "0"}, "--hidden", "0"),
                Case.of("pretrain-batch-tokens-negative", dir -> new String[]{"pretrain", "--out", dir.resolve("m").toString(), "--batch-tokens", "-8"},
                        "--batch-tokens", "-8"),
                Case.of("pretrain-lr-negative", dir -> new String[]{"pretrain", "--out", dir.resolve("m").toString(), "--lr", "-1"}, "--lr", "-1"),
                Case.of("pretrain-profiles-missing", dir -> new String[]{"pretrain", "--out", dir.resolve("m").toString(), "--steps", "1",
                        "--dual-profiles", dir.resolve("none.json").toString()}, "{dir}/none.json"),
                Case.of("demo-minutes-negative", dir -> new String[]{"demo", "--out", dir.resolve("demo").toString(), "--minutes", "-1"}, "--minutes", "-1"),
                Case.of("demo-heldout-0", dir -> new String[]{"demo", "--out", dir.resolve("demo").toString(), "--heldout", "0"}, "--heldout", "0"),
                Case.of("demo-config-missing", dir -> new String[]{"demo", "--out", dir.resolve("demo").toString(), "--config",
                        dir.resolve("none.yaml").toString()}, "{dir}/none.yaml"),
                Case.of("compare-variant-unknown", dir -> new String[]{"compare", "--out", dir.resolve("c").toString(), "--variants", "appo,ppox"}, "ppox"),
                Case.of("compare-seeds-0", dir -> new String[]{"compare", "--out", dir.resolve("c").toString(), "--seeds", "0"}, "--seeds", "0"),
                Case.of("compare-heldout-0", dir -> new String[]{"compare", "--out", dir.resolve("c").toString(), "--heldout", "0"}, "--heldout", "0"),
                Case.of("compare-abat-interval-0", dir -> new String[]{"compare", "--out", dir.resolve("c").toString(), "--abat-interval", "0"},
                        "--abat-interval", "0"),
                Case.of("compare-config-missing", dir -> new String[]{"compare", "--out", dir.resolve("c").toString(), "--config",
                        dir.resolve("none.yaml").toString()}, "{dir}/none.yaml"),
                Case.of("compare-minutes-0", dir -> new String[]{"compare", "--out", dir.resolve("c").toString(), "--minutes", "0"}, "--minutes", "0"),
                Case.of("compare-jobs-0", dir -> new String[]{"compare", "--out", dir.resolve("c").toString(), "--jobs", "0"}, "--jobs", "0"),
                Case.of("unknown-command", dir -> new String[]{"trian"}, "trian"));
    }

    /** A training flag out of its declared range: the line names the option and the value. */
    private static Case flag(String name, String option, String value, String allowed) {
        return Case.of(name, dir -> trainArgs(dir.resolve("run"), "--" + option, value), "command line", option + " = " + value, allowed);
    }

    private static Case yaml(String name, String text, String... mentions) {
        return Case.of(name, dir -> trainArgs(dir.resolve("run"), "--config", write(dir.resolve("run.yaml"), text).toString()), mentions);
    }

    private static String[] generate(String... more) {
        return Fixture.plus(new String[]{"generate", "--model", model.toString(), "--prompt", "What is 1 + 1?", "--max-new-tokens", "2"}, more);
    }
}
