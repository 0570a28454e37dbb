package ai.marft.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection: a training process killed with SIGKILL at random moments (checkpoint writes slowed
 * down so that many kills land inside one), resumed each time from its newest complete checkpoint,
 * ends with exactly the metrics and weights of an uninterrupted run.
 */
class KillResumeTest {
    private static final int ITERATIONS = 10;
    private static final String PAUSE = "-Dmarft.test.checkpointPauseMs=400";

    @TempDir
    Path tmp;

    @Test
    void killedAtRandomAndResumedEqualsTheUninterruptedRun() throws Exception {
        ChildTrain child = new ChildTrain(tmp);
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        Process w = child.start(child.options(whole, ITERATIONS, "--save_interval", "1"), tmp.resolve("whole.log"), PAUSE);
        assertThat(w.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(w.exitValue()).as(Files.readString(tmp.resolve("whole.log"))).isZero();

        Random rng = new Random(20261201);
        int kills = 0, insideWrite = 0;
        for (int attempt = 0; attempt < 40; attempt++) {
            Path from = newestComplete(killed.resolve("checkpoints"));
            List<String> args = from == null ? child.options(killed, ITERATIONS, "--save_interval", "1", "--overwrite", "true")
                    : new ArrayList<>(List.of("--resume", from.toString(), "--iterations", String.valueOf(ITERATIONS)));
            Process p = child.start(args, tmp.resolve("killed.log"), PAUSE);
            if (kills < 5) { // five kills, then let it finish
                int before = ChildTrain.metricLines(killed);
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (ChildTrain.metricLines(killed) <= before && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
                Thread.sleep(rng.nextInt(600)); // into the next rollout, update or checkpoint write
                if (p.isAlive()) {
                    if (hasPartial(killed.resolve("checkpoints"))) insideWrite++;
                    p.destroyForcibly(); // SIGKILL
                    p.waitFor();
                    kills++;
                    continue;
                }
            }
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(tmp.resolve("killed.log"))).isZero();
            if (ChildTrain.metricLines(killed) == ITERATIONS && newestComplete(killed.resolve("checkpoints")).endsWith(Checkpoints.name(ITERATIONS)))
                break;
        }
        assertThat(kills).isEqualTo(5);
        System.err.printf("KillResumeTest: %d kills, %d of them inside a checkpoint write%n", kills, insideWrite);
        assertThat(TrainRunTest.metrics(killed)).isEqualTo(TrainRunTest.metrics(whole));
        Path a = whole.resolve("checkpoints").resolve(Checkpoints.name(ITERATIONS)), b = killed.resolve("checkpoints").resolve(Checkpoints.name(ITERATIONS));
        for (String f : List.of("planner/adapter_model.safetensors", "solver/adapter_model.safetensors", "value_head.safetensors",
                "optimizer/planner.safetensors", "optimizer/critic.safetensors"))
            assertThat(Files.readAllBytes(b.resolve(f))).as(f).isEqualTo(Files.readAllBytes(a.resolve(f)));
    }

    private static Path newestComplete(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) return null;
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.filter(p -> p.getFileName().toString().matches("steps_\\d+") && AtomicDir.isComplete(p))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
        }
    }

    private static boolean hasPartial(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) return false;
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".partial"));
        }
    }
}
