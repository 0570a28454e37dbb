package ai.marft.serve;

/**
 * How one generate seed maps to rows, so that a batch can be cut into requests that each carry one
 * OpenAI {@code seed} and still draw exactly the tokens the whole batch draws on the local engine.
 *
 * <p>{@code LmEngine.generate(rows, seed)} gives row b the generator {@code new Random(r_b)}, where
 * r_b is the (b+1)-th {@code nextLong()} of {@code new Random(seed)}. {@link #streamSeed} returns the
 * seed S whose {@code new Random(S)} starts in the state {@code new Random(seed)} reaches after
 * {@code first} {@code nextLong()} calls; generating rows {@code first..} with S therefore draws them
 * as the whole batch would. This is plain arithmetic on java.util.Random's algorithm, which its
 * specification fixes (48-bit LCG, multiplier 0x5DEECE66D, increment 0xB, the seed XOR-scrambled with
 * the multiplier, nextLong = two next(32) calls), so it holds on every JVM. RowSeedsTest checks it
 * against the engine, so a change of the engine's derivation is caught.
 */
public final class RowSeeds {
    private static final long MULTIPLIER = 0x5DEECE66DL, INCREMENT = 0xBL, MASK = (1L << 48) - 1;

    private RowSeeds() {}

    /** The seed of the sub-batch that starts at row {@code first} of a batch generated with {@code seed}. */
    public static long streamSeed(long seed, int first) {
        if (first < 0) throw new IllegalArgumentException("first row must be >= 0, got " + first);
        long state = (seed ^ MULTIPLIER) & MASK;
        for (long i = 0; i < 2L * first; i++) state = (state * MULTIPLIER + INCREMENT) & MASK;
        return state ^ MULTIPLIER; // new Random(S) stores (S ^ MULTIPLIER) & MASK, i.e. this state
    }
}
