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
    /** Symbolic checks finish in milliseconds; a second is far beyond any legitimate one. */
    public static final Duration DEFAULT_SYMBOLIC_TIMEOUT = Duration.ofSeconds(1);

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
            if (AnswerNormalizer.key(p).equals(AnswerNormalizer.key(g))) return true;
            return equivalence.equal(Answer.of(p), Answer.of(g));
        } catch (RuntimeException e) {
            return false; // malformed model output is simply not the answer
        }
    }

    /** Extracts the answer from a full response, then compares it with {@code gold}. */
    public boolean correct(String response, String gold) { return equal(extract(response), gold); }

    /** How many symbolic checks ran past their deadline so far. */
    public long timeouts() { return symja.timeouts(); }
}
