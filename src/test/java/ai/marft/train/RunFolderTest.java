package ai.marft.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** How a command picks its default output folder: never one that exists, never one another command just took. */
class RunFolderTest {
    @TempDir
    Path tmp;

    @Test
    void claimNewCreatesTheFirstFolderNotYetThere() {
        Path base = tmp.resolve("runs/demo");
        assertThat(RunFolder.claimNew(base)).isEqualTo(base).isDirectory();
        assertThat(RunFolder.claimNew(base)).isEqualTo(tmp.resolve("runs/demo-2")).isDirectory();
        assertThat(RunFolder.claimNew(base)).isEqualTo(tmp.resolve("runs/demo-3")).isDirectory();
    }

    @Test
    void commandsStartedAtTheSameMomentNeverShareAFolder() throws Exception {
        int commands = 16;
        Path base = tmp.resolve("runs/demo");
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(commands);
        try {
            List<Future<Path>> claims = new ArrayList<>();
            for (int i = 0; i < commands; i++) claims.add(pool.submit(() -> {
                go.await();
                return RunFolder.claimNew(base);
            }));
            go.countDown();
            List<Path> got = new ArrayList<>();
            for (Future<Path> f : claims) got.add(f.get());
            assertThat(got).doesNotHaveDuplicates().allMatch(Files::isDirectory);
            try (var listing = Files.list(tmp.resolve("runs"))) {
                assertThat(listing.count()).isEqualTo(commands);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
