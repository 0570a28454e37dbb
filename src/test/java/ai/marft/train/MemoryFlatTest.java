package ai.marft.train;

import ai.marft.Json;
import ai.marft.env.arith.ArithGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory bench of a long run (issue: RSS after iteration 10 and 200 within 5%). {@code marft train}
 * runs in a child JVM with a fixed, pre-touched heap ({@code -Xms = -Xmx}, AlwaysPreTouch), so that
 * RSS measures the trainer and the native heap, not the JVM's heap-sizing policy.
 */
class MemoryFlatTest {
    @TempDir
    Path tmp;

    @Test
    void rssStaysFlatOverTwoHundredIterations() throws Exception {
        // the embedded model: a random one writes random-length junk, so its allocation sizes keep changing and
        // RSS wandered between 740 and 870 MiB over 400 iterations with no trend; a trained one settles
        Path model = Path.of("models/tiny-arith");
        Path data = tmp.resolve("data.json");
        Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(8).generate(50).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        Path profiles = Path.of("configs/arith_dual.json");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "ai.marft.cli.Main", "train", "--threads", "1",
                "--model_name_or_path", model.toString(), "--profile_path", profiles.toString(),
                "--dataset_path", data.toString(), "--env_name", "arith", "--run_dir", tmp.resolve("run").toString(),
                "--n_rollout_threads", "4", "--horizon", "2", "--max_new_tokens", "8", "--lr", "1e-3",
                "--agent_iteration_interval", "0", "--save_interval", "100", "--target_kl", "1", "--kl_coef", "0.1", // as the demo
                "--iterations", "200"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("train.log").toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("training finished").isTrue();
        assertThat(p.exitValue()).as("exit status; log:%n%s", Files.readString(tmp.resolve("train.log"))).isZero();
        List<String> lines = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
        assertThat(lines).hasSize(200);
        double at10 = rss(lines.get(9)), at200 = rss(lines.get(199));
        for (int i = 0; i < 200; i += 10) System.err.printf("%.0f ", rss(lines.get(i))); // the curve, for the report
        System.err.printf("RSS after iteration 10: %.1f MiB, after 200: %.1f MiB%n", at10, at200);
        assertThat(Math.abs(at200 - at10) / at10).as("RSS %s MiB at 10 vs %s MiB at 200", at10, at200).isLessThan(0.05);
    }

    private static double rss(String line) throws Exception {
        return Json.MAPPER.readTree(line).get("rss_mb").asDouble();
    }
}
