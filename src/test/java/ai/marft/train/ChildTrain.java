package ai.marft.train;

import ai.marft.Json;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `marft train` in a child JVM on a tiny random model, for tests that signal or kill the process. */
final class ChildTrain {
    private final Path tmp;

    ChildTrain(Path tmp) throws IOException {
        this.tmp = tmp;
        if (!Files.exists(tmp.resolve("model"))) TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.LLAMA, 9, true);
        Json.MAPPER.writeValue(tmp.resolve("train.json").toFile(), new ArithGenerator(1).generate(8).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
    }

    /** The options of a small run in {@code runDir} (the checkpoint's own config is used on resume, these are not). */
    List<String> options(Path runDir, int iterations, String... extra) {
        List<String> o = new ArrayList<>(List.of("--model_name_or_path", tmp.resolve("model").toString(),
                "--profile_path", "configs/arith_dual.json", "--dataset_path", tmp.resolve("train.json").toString(), "--env_name", "arith",
                "--run_dir", runDir.toString(), "--n_rollout_threads", "2", "--episode_length", "1", "--horizon", "2",
                "--max_new_tokens", "4", "--temperature", "0.8", "--lr", "1e-2", "--critic_lr", "1e-3", "--lora_r", "4",
                "--num_mini_batch", "2", "--agent_iteration_interval", "0", "--target_kl", "10", "--kl_coef", "0.1",
                "--keep_checkpoints", "0", "--seed", "3", "--iterations", String.valueOf(iterations)));
        o.addAll(List.of(extra));
        return o;
    }

    /** Starts {@code marft train ARGS}; stdout and stderr go to {@code log}. */
    Process start(List<String> args, Path log, String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "ai.marft.cli.Main", "train", "--threads", "1"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Lines of {@code runDir}'s metrics.jsonl so far (0 when absent). */
    static int metricLines(Path runDir) {
        try {
            Path f = runDir.resolve("metrics.jsonl");
            return Files.exists(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0; // being written
        }
    }
}
