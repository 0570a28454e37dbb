package ai.marft.env;

/** Decides rewards: pulls an answer out of an agent's text and compares it with the gold answer. */
public interface Grader {
    /** The answer stated in {@code text}, or null when it states none. */
    String extract(String text);

    /** Whether {@code predicted} (already extracted) equals {@code gold}; never throws, bounded in time. */
    boolean equal(String predicted, String gold);
}
