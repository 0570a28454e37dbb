package ai.marft.mas;

/**
 * Derives independent seeds from one: {@code mix(seed, part)} is the {@code (part + 1)}-th output of
 * a SplitMix64 generator started at {@code seed} (state {@code seed + (part + 1) * 0x9E3779B97F4A7C15},
 * then the SplitMix64 finaliser). Rollouts seed generate call (step t, layer l) with
 * {@code mix(mix(seed, t), l)}; evaluation uses its round number in place of t.
 */
public final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    public static long mix(long seed, long part) {
        long z = seed + (part + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
