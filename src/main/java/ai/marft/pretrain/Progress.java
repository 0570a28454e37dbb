package ai.marft.pretrain;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress bar with the loss: redrawn in place on a terminal, else printed as a new line
 * every {@value #LINE_EVERY_SECONDS} seconds (logs stay readable).
 */
final class Progress {
    static final int LINE_EVERY_SECONDS = 10;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastPrint;

    Progress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void update(int step, double loss, double heldOutLoss) {
        if (out == null) return;
        long now = System.nanoTime();
        if (step < total && now - lastPrint < (terminal ? 200_000_000L : LINE_EVERY_SECONDS * 1_000_000_000L)) return;
        lastPrint = now;
        double secs = (now - start) / 1e9, rate = step / Math.max(secs, 1e-9);
        int filled = (int) ((long) WIDTH * step / total);
        String line = String.format(Locale.ROOT, "pretrain [%s%s] %d/%d  loss %.4f  held-out %.4f  %.2f steps/s  eta %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), step, total, loss, heldOutLoss, rate, clock((total - step) / rate));
        if (terminal) out.print("\r" + line);
        else out.println(line);
        out.flush();
    }

    void done() {
        if (out != null && terminal) out.println();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
