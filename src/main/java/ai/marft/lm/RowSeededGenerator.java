package ai.marft.lm;


import java.util.List;

/**
 * A generator that seeds each row apart, so that rows of requests with different seeds can share one
 * batch: row b draws exactly what {@code generate(List.of(prompts[b]), List.of(adapters[b]), params,
 * rowSeeds[b])} draws alone. For the engine that means row b's generator is
 * {@code new Random(new Random(rowSeeds[b]).nextLong())}, and {@code generate(rows, seed)} is this
 * with {@code rowSeeds[b] = RowSeeds.streamSeed(seed, b)}. When the engine given to
 * marft serve's batch scheduler implements it, seeded requests are batched like the others.
 */
public interface RowSeededGenerator extends TextGenerator {
    List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long[] rowSeeds);
}
