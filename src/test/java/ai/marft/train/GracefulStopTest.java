package ai.marft.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to a training process: it finishes the iteration, writes a checkpoint, says where, exits 143; the run resumes from there. */
class GracefulStopTest {
    @TempDir
    Path tmp;

    @Test
    void sigtermFinishesTheIterationWritesACheckpointAndTheRunResumes() throws Exception {
        ChildTrain child = new ChildTrain(tmp);
        Path run = tmp.resolve("run");
        Process p = child.start(child.options(run, 1000, "--save_interval", "1000"), tmp.resolve("train.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (ChildTrain.metricLines(run) < 2 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(p.isAlive()).as("training is running; log:%n%s", Files.readString(tmp.resolve("train.log"))).isTrue();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("train.log"));
        assertThat(p.exitValue()).as(log).isEqualTo(143);
        int done = ChildTrain.metricLines(run);
        Path ckpt = run.resolve("checkpoints").resolve(Checkpoints.name(done));
        assertThat(log).contains("marft train: stopped by SIGTERM after iteration " + done + "; checkpoint " + ckpt);
        assertThat(log).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(AtomicDir.isComplete(ckpt)).isTrue();
        assertThat(Checkpoints.readState(ckpt).iteration()).isEqualTo(done);

        List<String> resume = new ArrayList<>(List.of("--resume", ckpt.toString(), "--iterations", String.valueOf(done + 1)));
        Process q = child.start(resume, tmp.resolve("resume.log"));
        assertThat(q.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(q.exitValue()).as(Files.readString(tmp.resolve("resume.log"))).isZero();
        assertThat(ChildTrain.metricLines(run)).isEqualTo(done + 1);
    }

    @Test
    void aSecondSignalStopsAtOnce() throws Exception {
        ChildTrain child = new ChildTrain(tmp);
        Path run = tmp.resolve("run");
        // every checkpoint write pauses 3 s before its marker, so both signals land inside one iteration's write
        Process p = child.start(child.options(run, 1000, "--save_interval", "1"), tmp.resolve("train.log"),
                "-Dmarft.test.checkpointPauseMs=3000");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (ChildTrain.metricLines(run) < 1 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        Thread.sleep(300);
        p.destroy();
        Thread.sleep(300);
        p.destroy();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("train.log"));
        assertThat(p.exitValue()).as(log).isEqualTo(143);
        assertThat(log).contains("marft: second SIGTERM: stopping now, without a checkpoint").doesNotContain("stopped by SIGTERM after");
        assertThat(AtomicDir.isComplete(run.resolve("checkpoints").resolve(Checkpoints.name(1)))).as("interrupted write is not accepted").isFalse();
    }
}
