package ai.marft.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A job's progress line over its {@link Budget}: percent, bar, units done, the caller's figures
 * (reward, accuracy, tokens/s), and ETA. On a terminal the line is redrawn in place (at most five
 * times a second); elsewhere (a pipe, a log file, CI) a plain line is printed every
 * {@code lineEverySeconds}, plus the first and the last.
 *
 * <p>Own code rather than me.tongfei:progressbar (which the project used): its percent and ETA follow
 * one count only, so a run with a time budget showed "? %"; this budget is a count or a time,
 * whichever ends first. And off a terminal progressbar keeps writing carriage-return redraws, one
 * per refresh, into the log, where plain lines are wanted.
 */
public final class Progress implements AutoCloseable {
    static final int BAR = 24;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final String task, unit;
    private final Budget budget;
    private final PrintStream out;
    private final boolean terminal;
    private final long lineEveryNanos;
    private final LongSupplier clock;
    private final long start;
    private long lastPrint = Long.MIN_VALUE;
    private int lastLength;
    private String pending;

    /**
     * @param task  name at the start of the line ("train", "eval")
     * @param unit  what is counted ("iteration", "episode")
     * @param out   where the line goes (stderr in the CLI); null for none
     */
    public Progress(String task, String unit, Budget budget, PrintStream out, boolean terminal, int lineEverySeconds, LongSupplier nanoClock) {
        this.task = task;
        this.unit = unit;
        this.budget = budget;
        this.out = out;
        this.terminal = terminal;
        this.lineEveryNanos = lineEverySeconds * 1_000_000_000L;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** A line on {@code out}: redrawn when this process has a terminal and $CI is unset, else a plain line every 10 s. */
    public static Progress of(String task, String unit, Budget budget, PrintStream out) {
        return new Progress(task, unit, budget, out, onTerminal(), 10, System::nanoTime);
    }

    /** Whether a redrawn line can be seen: a console is attached and this is not a CI job. */
    public static boolean onTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    /** A training iteration ended: its mean reward, accuracy of the episodes that ended (NaN: none), rollout tokens/s. */
    public void iteration(long iteration, double reward, double accuracy, double tokensPerSecond) {
        update(iteration, String.format(Locale.ROOT, "reward %.3f  accuracy %s  %.0f tokens/s", reward,
                Double.isNaN(accuracy) ? "–" : String.format(Locale.ROOT, "%.3f", accuracy), tokensPerSecond));
    }

    /** Evaluation: episodes done, accuracy so far, tokens/s. */
    public void episodes(long done, double accuracySoFar, double tokensPerSecond) {
        update(done, String.format(Locale.ROOT, "accuracy so far %.3f  %.0f tokens/s", accuracySoFar, tokensPerSecond));
    }

    /** {@code done} units so far, with the caller's figures; prints when it is time to. */
    public void update(long done, String figures) {
        if (out == null) return;
        long now = clock.getAsLong();
        String line = line(done, (now - start) / 1e9, figures);
        boolean finished = budget.counted() && done >= budget.total();
        if (lastPrint != Long.MIN_VALUE && !finished && now - lastPrint < (terminal ? REDRAW_NANOS : lineEveryNanos)) {
            pending = line; // shown by close() if nothing newer is printed
            return;
        }
        print(line);
        lastPrint = now;
    }

    private void print(String line) {
        pending = null;
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else out.println(line);
        out.flush();
    }

    /** The line for {@code done} units after {@code elapsed} seconds. */
    String line(long done, double elapsed, String figures) {
        double f = budget.fraction(done, elapsed);
        int filled = (int) Math.round(f * BAR);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s %3.0f%% [%s%s] %s %d", task, 100 * f, "#".repeat(filled),
                ".".repeat(BAR - filled), unit, done));
        if (budget.counted()) b.append('/').append(budget.total());
        if (budget.timed()) b.append(String.format(Locale.ROOT, " (%s of %s)", clock(elapsed), clock(budget.seconds())));
        if (figures != null && !figures.isEmpty()) b.append("  ").append(figures);
        double left = budget.secondsLeft(done, elapsed);
        b.append("  ETA ").append(Double.isNaN(left) ? "?" : clock(left));
        return b.toString();
    }

    /** m:ss, or h:mm:ss from an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Prints the last update if it was held back, and ends a redrawn line. */
    @Override
    public void close() {
        if (out == null) return;
        if (pending != null) print(pending);
        if (terminal && lastLength > 0) out.println();
        out.flush();
    }
}
