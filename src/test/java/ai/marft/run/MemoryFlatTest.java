package ai.marft.run;

import ai.marft.Json;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bench: memory outside the Java heap (rss_mb − heap_mb) after iteration 200 within 5% of after
 * iteration 10. The heap's share of RSS depends on the JVM's sizing policy, not on the trainer; run
 * {@code marft train} with {@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch} to see RSS itself.
 */
@Tag("slow") // about 3 minutes on 2 cores
class MemoryFlatTest {
    @TempDir
    Path tmp;

    @Test
    void rssStaysFlatOverTwoHundredIterations() throws Exception {
        Path model = TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.QWEN2, 2, true);
        Path data = tmp.resolve("data.json");
        Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(8).generate(50).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        Path profiles = tmp.resolve("p.json");
        Files.writeString(profiles, """
                [{"role": "planner", "prompt": "<|im_start|>system: plan<|im_end|>\\n", "with_answer": false},
                 {"role": "solver", "prompt": "<|im_start|>system: solve<|im_end|>\\n", "with_answer": true}]""");
        TrainConfig c = TrainConfigLoader.load(null, List.of("--model_name_or_path", model.toString(), "--profile_path", profiles.toString(),
                "--dataset_path", data.toString(), "--env_name", "arith", "--run_dir", tmp.resolve("run").toString(),
                "--n_rollout_threads", "4", "--horizon", "2", "--num_env_steps", "800", "--max_new_tokens", "8", "--lr", "1e-3",
                "--agent_iteration_interval", "0", "--save_interval", "100", "--target_kl", "1"));
        try (TrainRun run = new TrainRun(c, null)) {
            run.run(200, 0, System.err);
        }
        List<String> lines = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
        double at10 = offHeap(lines.get(9)), at200 = offHeap(lines.get(199));
        System.err.printf("off-heap RSS after iteration 10: %.1f MiB, after 200: %.1f MiB%n", at10, at200);
        assertThat(Math.abs(at200 - at10) / at10).as("off-heap RSS %s MiB at 10 vs %s MiB at 200", at10, at200).isLessThan(0.05);
    }

    private static double offHeap(String line) throws Exception {
        var row = Json.MAPPER.readTree(line);
        return row.get("rss_mb").asDouble() - row.get("heap_mb").asDouble();
    }
}
