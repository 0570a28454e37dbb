package ai.marft.lm.decode;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The team runs every chunk of every range exactly once, each worker on its own index, and passes failures on. */
class WorkersTest {
    @Test
    void everyChunkOfEveryRangeRunsExactlyOnce() {
        try (Workers w = new Workers(3)) {
            int ranges = 20_000, chunks = w.threads() * 4;
            AtomicIntegerArray runs = new AtomicIntegerArray(ranges * chunks);
            boolean[] badWorker = {false};
            int[] range = {0};
            Workers.Parts p = (c, n, worker) -> {
                if (worker < 0 || worker >= 3) badWorker[0] = true;
                runs.incrementAndGet(range[0] * n + c);
            };
            for (range[0] = 0; range[0] < ranges; range[0]++) w.run(p);
            for (int i = 0; i < ranges * chunks; i++) assertThat(runs.get(i)).as("range %d chunk %d", i / chunks, i % chunks).isEqualTo(1);
            assertThat(badWorker[0]).isFalse();
        }
    }

    @Test
    void aFailingChunkIsRethrownToTheCaller() {
        try (Workers w = new Workers(2)) {
            assertThatThrownBy(() -> w.run((c, n, worker) -> {
                if (c == n - 1) throw new IllegalStateException("chunk " + c);
            })).isInstanceOf(IllegalStateException.class);
            int[] count = {0};
            w.run((c, n, worker) -> {
                synchronized (count) {
                    count[0]++;
                }
            });
            assertThat(count[0]).isEqualTo(8);
        }
    }

    @Test
    void blocksSplitTheRangeWithoutGapsOrOverlap() {
        for (int units : new int[]{0, 3, 4, 17, 896, 151936})
            for (int chunks : new int[]{1, 4, 8}) {
                int covered = 0;
                for (int c = 0; c < chunks; c++) {
                    int from = Workers.from(c, chunks, units, 4), to = Workers.from(c + 1, chunks, units, 4);
                    assertThat(from).isEqualTo(covered);
                    assertThat(from % 4 == 0 || from == units).isTrue();
                    covered = to;
                }
                assertThat(covered).isEqualTo(units);
            }
    }
}
