package ai.marft.serve;

import ai.marft.lm.RowSeededGenerator;

import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RowSeedsTest {
    @Test
    void streamSeedStartsWhereTheBatchGeneratorHasGot() {
        for (long seed : new long[]{0, 42, -7, Long.MAX_VALUE}) {
            Random batch = new Random(seed);
            for (int row = 0; row < 5; row++) {
                long expected = batch.nextLong(); // the row's seed as the engine draws it
                assertThat(new Random(RowSeeds.streamSeed(seed, row)).nextLong()).as("seed %d row %d", seed, row).isEqualTo(expected);
            }
        }
    }

    @Test
    void aTailOfTheBatchSeededThisWayDrawsWhatTheBatchDraws(@TempDir Path dir) throws Exception {
        try (LmEngine engine = LmEngine.load(ServeFixtures.model(dir, 3, false))) {
            ServeFixtures.adapter(engine, "a", 5, null);
            List<int[]> prompts = List.of(new int[]{104, 105}, new int[]{33, 34, 35}, new int[]{72}, new int[]{80, 81}, new int[]{90, 91, 92, 93});
            List<String> adapters = Arrays.asList("a", null, "a", "a", null);
            SamplingParams sp = new SamplingParams(10, 1.0, 0, 1.0);
            List<Generation> whole = engine.generate(prompts, adapters, sp, 99);
            List<Generation> tail = engine.generate(prompts.subList(2, 5), adapters.subList(2, 5), sp, RowSeeds.streamSeed(99, 2));
            for (int r = 0; r < 3; r++) assertThat(tail.get(r).tokens()).as("row %d", r + 2).isEqualTo(whole.get(r + 2).tokens());
        }
    }

    @Test
    void theEngineSeedsRowsApartWhenItOffersIt(@TempDir Path dir) throws Exception {
        try (LmEngine engine = LmEngine.load(ServeFixtures.model(dir, 4, false))) {
            Object generator = engine; // LmEngine is final: the check compiles only through Object until it implements the hook
            assumeTrue(generator instanceof RowSeededGenerator, "LmEngine does not implement RowSeededGenerator yet (a hook for the lead, docs/serving.md)");
            List<int[]> prompts = List.of(new int[]{104, 105}, new int[]{33, 34, 35}, new int[]{72});
            List<String> adapters = Arrays.asList(null, null, null);
            SamplingParams sp = new SamplingParams(10, 1.0, 0, 1.0);
            long[] seeds = {5, -9, 123456789};
            List<Generation> batched = ((RowSeededGenerator) generator).generate(prompts, adapters, sp, seeds);
            for (int r = 0; r < 3; r++)
                assertThat(batched.get(r).tokens()).isEqualTo(engine.generate(List.of(prompts.get(r)), Arrays.asList((String) null), sp, seeds[r]).getFirst().tokens());
        }
    }
}
