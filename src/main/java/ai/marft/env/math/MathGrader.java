package ai.marft.env.math;

import ai.marft.env.Grader;

import java.time.Duration;

/**
 * The MATH/GSM8K grader: {@link AnswerExtractor} for extraction, then {@link AnswerNormalizer},
 * {@link Answer} shapes and {@link Equivalence} for equality. Thread-safe; Symja starts lazily on
 * the first check that needs it, and each symbolic check is bounded by {@code symbolicTimeout}
 * (a timeout counts as not equal and is logged).
 */
public final class MathGrader implements Grader {
    /**
     * Legitimate symbolic checks take 1–100 ms here, up to ~350 ms on a Symja function's first use;
     * 3 s leaves room for a loaded CPU while still bounding a pathological input.
     */
    public static final Duration DEFAULT_SYMBOLIC_TIMEOUT = Duration.ofSeconds(3);

    private final SymjaChecker symja;
    private final Equivalence equivalence;

    public MathGrader() { this(DEFAULT_SYMBOLIC_TIMEOUT); }

    public MathGrader(Duration symbolicTimeout) {
        this.symja = new SymjaChecker(symbolicTimeout);
        this.equivalence = new Equivalence(symja);
    }

    @Override
    public String extract(String text) { return AnswerExtractor.extract(text); }

    @Override
    public boolean equal(String predicted, String gold) {
        if (predicted == null || gold == null) return false;
        try {
            String p = AnswerNormalizer.clean(predicted), g = AnswerNormalizer.clean(gold);
            if (p.isEmpty() || g.isEmpty()) return false;
            if (same(p, g)) return true;
            // the % sign is dropped (25\% equals 25), and 25\% also equals 0.25 when only one side says percent
            boolean pp = predicted.contains("%"), gp = gold.contains("%");
            return pp != gp && same(pp ? perHundred(p) : p, gp ? perHundred(g) : g);
        } catch (RuntimeException e) {
            return false; // malformed model output is simply not the answer
        }
    }

    private boolean same(String cleanedPred, String cleanedGold) {
        return AnswerNormalizer.key(cleanedPred).equals(AnswerNormalizer.key(cleanedGold))
                || equivalence.equal(Answer.of(cleanedPred), Answer.of(cleanedGold));
    }

    private static String perHundred(String cleaned) { return "\\frac{" + cleaned + "}{100}"; }

    /** Extracts the answer from a full response, then compares it with {@code gold}. */
    public boolean correct(String response, String gold) { return equal(extract(response), gold); }

    /** How many symbolic checks ran past their deadline so far. */
    public long timeouts() { return symja.timeouts(); }
}
