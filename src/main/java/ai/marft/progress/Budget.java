package ai.marft.progress;

/**
 * What ends a job: a count of units (iterations, episodes), a wall-clock time, or both, whichever
 * runs out first.
 *
 * @param total   units the job does in all (0 or less: no count limit)
 * @param startAt units already done when this process started (a resumed run)
 * @param seconds wall-clock budget of this process (0 or less: no time limit)
 */
public record Budget(long total, long startAt, double seconds) {
    public Budget {
        if (total <= 0 && seconds <= 0) throw new IllegalArgumentException("a budget needs a unit count or a time");
    }

    public static Budget units(long total) {
        return new Budget(total, 0, 0);
    }

    public boolean counted() {
        return total > 0;
    }

    public boolean timed() {
        return seconds > 0;
    }

    /** Fraction of the budget used after {@code done} units and {@code elapsed} seconds: the larger of the two fractions. */
    public double fraction(long done, double elapsed) {
        double f = 0;
        if (counted()) f = Math.max(f, (double) done / total);
        if (timed()) f = Math.max(f, elapsed / seconds);
        return Math.min(1, f);
    }

    /**
     * Seconds left: for a count, the units left at this process's rate so far; for a time, the time
     * left; the smaller when both. NaN when no rate is known yet (no unit done by a count-only budget).
     */
    public double secondsLeft(long done, double elapsed) {
        double left = Double.POSITIVE_INFINITY;
        if (counted() && done > startAt) left = Math.min(left, elapsed * (total - done) / (done - startAt));
        if (timed()) left = Math.min(left, seconds - elapsed);
        return Double.isInfinite(left) ? Double.NaN : Math.max(0, left);
    }
}
