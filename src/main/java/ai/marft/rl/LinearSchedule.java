package ai.marft.rl;

/** A value (e.g. a learning rate) going linearly from {@code start} to {@code end} over {@code updates} updates, then staying at {@code end}. */
public record LinearSchedule(double start, double end, int updates) {
    public LinearSchedule {
        if (updates < 1) throw new IllegalArgumentException("a linear schedule needs at least one update, got " + updates);
    }

    /** A schedule that never changes. */
    public static LinearSchedule constant(double value) {
        return new LinearSchedule(value, value, 1);
    }

    /** The value to use for update number {@code update} (0-based). */
    public double at(long update) {
        if (update < 0) throw new IllegalArgumentException("update index must be >= 0, got " + update);
        double progress = Math.min(update, updates) / (double) updates;
        return start + (end - start) * progress;
    }
}
