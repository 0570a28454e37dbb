package ai.marft.jobs;

import ai.marft.Json;
import ai.marft.config.TrainConfig;
import ai.marft.config.TrainConfigLoader;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.LmEngine;
import ai.marft.serve.OpenAiServer;
import ai.marft.train.TrainRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One training iteration's wall time with the local rollout backend against two {@code marft serve}
 * servers (in this JVM, each with its own engine), the embedded model and the demo's settings, both
 * measured in one run: the median of the iterations after a warm-up one, and the ratio.
 */
public final class RolloutBackendBench {
    private RolloutBackendBench() {}

    /** Runs {@code iterations} iterations of each backend under {@code work} (a scratch folder) and returns the figures. */
    public static ObjectNode run(Path model, int iterations, Path work) throws IOException {
        Path data = work.resolve("train.json");
        Files.createDirectories(work);
        Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(1).generate(2000).stream()
                .map(p -> Map.of("problem", p.problem(), "final_answer", p.finalAnswer())).toList());
        ObjectNode out = Json.MAPPER.createObjectNode().put("model", model.toString()).put("iterations", iterations);
        double local = medianIterationSeconds(config(model, data, work.resolve("local"), iterations));
        double remote;
        try (LmEngine a = LmEngine.load(model); LmEngine b = LmEngine.load(model);
             OpenAiServer sa = OpenAiServer.start(a, model, new OpenAiServer.Options("127.0.0.1", 0, 64, 2_000, null), Map.of(), null);
             OpenAiServer sb = OpenAiServer.start(b, model, new OpenAiServer.Options("127.0.0.1", 0, 64, 2_000, null), Map.of(), null)) {
            List<String> args = List.of("--rollout_backend", "openai", "--rollout_servers", sa.uri() + "," + sb.uri(),
                    "--adapter_sync_dir", work.resolve("sync").toString());
            remote = medianIterationSeconds(config(model, data, work.resolve("remote"), iterations, args.toArray(String[]::new)));
        }
        out.put("local_seconds_per_iteration", local).put("two_servers_seconds_per_iteration", remote).put("ratio_local_over_servers", local / remote);
        return out;
    }

    private static TrainConfig config(Path model, Path data, Path run, int iterations, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model_name_or_path", model.toString(), "--profile_path", "configs/arith_dual.json",
                "--dataset_path", data.toString(), "--env_name", "arith", "--run_dir", run.toString(), "--overwrite", "true",
                "--n_rollout_threads", "32", "--horizon", "1", "--max_new_tokens", "40", "--temperature", "0.5", "--lr", "5e-4",
                "--critic_lr", "1e-3", "--ppo_epoch", "2", "--num_mini_batch", "2", "--gradient_cp_steps", "1", "--target_kl", "0.2",
                "--kl_coef", "0.1", "--agent_iteration_interval", "0", "--entropy_coef", "0", "--save_interval", "1000",
                "--report_interval", "0", "--num_env_steps", String.valueOf(32L * (iterations + 1))));
        args.addAll(Arrays.asList(extra));
        return TrainConfigLoader.load(null, args); // the demo's settings (configs/demo_arith.yaml)
    }

    /** Median of the iterations' seconds (rollout + values + update + gc) after the first (warm-up) one. */
    private static double medianIterationSeconds(TrainConfig cfg) throws IOException {
        try (TrainRun run = new TrainRun(cfg, null)) {
            run.run(-1, 0, null);
        }
        List<Double> secs = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of(cfg.runDir).resolve("metrics.jsonl"));
        for (String line : lines.subList(1, lines.size())) {
            JsonNode r = Json.MAPPER.readTree(line);
            secs.add(r.get("seconds_rollout").asDouble() + r.get("seconds_values").asDouble() + r.get("seconds_update").asDouble()
                    + r.get("seconds_gc").asDouble());
        }
        secs.sort(null);
        return secs.get(secs.size() / 2);
    }
}
