package ai.marft.serve;

import ai.marft.lm.RowSeededGenerator;

import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSchedulerTest {
    @TempDir
    static Path dir;
    static LmEngine engine;

    @BeforeAll
    static void load() throws Exception {
        engine = LmEngine.load(ServeFixtures.model(dir, 17, false));
        ServeFixtures.adapter(engine, "a", 2, null);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** Row-seeded generation by its definition: each row alone with its seed; counts the batched calls. */
    static final class RowByRow implements RowSeededGenerator {
        final AtomicInteger batchedCalls = new AtomicInteger();

        @Override
        public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long[] rowSeeds) {
            batchedCalls.incrementAndGet();
            List<Generation> out = new ArrayList<>();
            for (int b = 0; b < prompts.size(); b++)
                out.add(engine.generate(List.of(prompts.get(b)), Arrays.asList(adapters.get(b)), params, rowSeeds[b]).getFirst());
            return out;
        }

        @Override
        public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
            return engine.generate(prompts, adapters, params, seed);
        }

        @Override
        public Tokenizer tokenizer() {
            return engine.tokenizer();
        }
    }

    record Submitted(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed, CompletableFuture<List<Generation>> result) {}

    /** Four seeded jobs of two rows each, with different seeds, adapters and max_tokens, queued at once. */
    static List<Submitted> submitSeeded(BatchScheduler s) {
        List<Submitted> jobs = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            List<int[]> p = List.of(new int[]{100 + j, 101}, new int[]{50, 60 + j, 70});
            List<String> a = j % 2 == 0 ? Arrays.asList("a", null) : Arrays.asList(null, "a");
            SamplingParams sp = new SamplingParams(6 + 3 * j, 0.9, 0, 1.0);
            jobs.add(new Submitted(p, a, sp, 1000L * j - 3, s.submit(p, a, sp, 1000L * j - 3)));
        }
        return jobs;
    }

    static void assertEachAsAlone(List<Submitted> jobs) {
        for (Submitted j : jobs) {
            List<Generation> got = j.result().join(), alone = engine.generate(j.prompts(), j.adapters(), j.params(), j.seed());
            for (int r = 0; r < got.size(); r++) assertThat(got.get(r).tokens()).as("seed %d row %d", j.seed(), r).isEqualTo(alone.get(r).tokens());
        }
    }

    @Test
    void withABatchSeededEngineEachSeededRequestRunsAlone() {
        // the engine behind a generator that seeds whole batches only (LmEngine itself seeds rows)
        ai.marft.lm.TextGenerator batchSeeded = new ai.marft.lm.TextGenerator() {
            public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
                return engine.generate(prompts, adapters, params, seed);
            }

            public ai.marft.lm.Tokenizer tokenizer() {
                return engine.tokenizer();
            }
        };
        try (BatchScheduler s = new BatchScheduler(batchSeeded, 16, 50_000)) {
            List<Submitted> jobs = submitSeeded(s);
            assertEachAsAlone(jobs);
            assertThat(s.batches()).isEqualTo(4);
        }
    }

    @Test
    void withARowSeededEngineSeededRequestsShareBatchesAndStillDrawAsAlone() {
        RowByRow rows = new RowByRow();
        try (BatchScheduler s = new BatchScheduler(rows, 16, 50_000)) {
            List<Submitted> jobs = submitSeeded(s);
            CompletableFuture<List<Generation>> unseeded = s.submit(List.of(new int[]{90}), Arrays.asList((String) null), jobs.getFirst().params(), null);
            assertEachAsAlone(jobs);
            assertThat(unseeded.join()).hasSize(1);
            assertThat(rows.batchedCalls.get()).as("5 requests, 50 ms gathering window").isLessThan(5);
        }
    }

    @Test
    void aSeededRequestLongerThanTheBatchIsCutIntoChunksThatDrawAsOneBatch() {
        try (BatchScheduler s = new BatchScheduler(engine, 2, 0)) {
            List<int[]> p = List.of(new int[]{65}, new int[]{66, 67}, new int[]{68}, new int[]{69, 70, 71}, new int[]{72});
            List<String> a = Arrays.asList("a", null, "a", "a", null);
            SamplingParams sp = new SamplingParams(8, 1.0, 0, 1.0);
            List<Generation> got = s.submit(p, a, sp, 321L).join(), whole = engine.generate(p, a, sp, 321);
            for (int r = 0; r < p.size(); r++) assertThat(got.get(r).tokens()).as("row %d", r).isEqualTo(whole.get(r).tokens());
            assertThat(s.batches()).isEqualTo(3);
        }
    }
}
