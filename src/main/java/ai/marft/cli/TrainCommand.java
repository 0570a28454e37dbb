package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.train.Checkpoints;
import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code marft train}: MARFT-A, MARFT-T or GRPO training from a YAML/JSON config and/or the reference's launch flags. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a team with MARFT-A (action-level PPO), MARFT-T (token-level PPO) or GRPO (algorithm_name).",
                "Every option of the reference's launch script is accepted under its own name, e.g.",
                "  --algorithm_name APPO --n_rollout_threads 4 --ppo_epoch 1 --lr 1e-6 --profile_path P --dataset_path D --model_name_or_path M",
                "Writes <run_dir>/metrics.jsonl, run_info.json and checkpoints/steps_NNNN (run_dir default runs/<experiment_name>)."})
public final class TrainCommand implements Runnable {
    @Option(names = "--config", description = "YAML or JSON file of options (reference names); flags override it")
    Path config;

    @Option(names = "--resume", description = "checkpoint folder (steps_NNNN) to continue exactly; its config is used when --config is absent")
    Path resume;

    @Option(names = "--iterations", description = "stop after this many iterations in total (default: num_env_steps / episode_length / n_rollout_threads)")
    long iterations = -1;

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Mixin
    ThreadsOption threads;

    @Override
    public void run() {
        threads.apply();
        if (iterations != -1 && iterations < 1) throw new InputError("--iterations " + iterations + ": must be at least 1");
        Path file = config != null ? config : resume != null ? Checkpoints.config(resume) : null;
        TrainConfig cfg = TrainConfigLoader.load(file, flags);
        try (TrainRun run = new TrainRun(cfg, resume)) { // load_path (the reference's) is a warm start: see TeamParameters
            Path last = run.run(iterations, cfg.maxMinutes, System.err);
            System.err.println("marft train: " + run.iteration() + " iterations done; checkpoint " + last + "; metrics " + run.runDir().resolve("metrics.jsonl"));
        }
    }
}
