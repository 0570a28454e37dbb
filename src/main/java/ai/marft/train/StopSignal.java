package ai.marft.train;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Graceful stop of a training loop: while installed, the first SIGTERM or SIGINT (Ctrl-C) only asks
 * the loop to stop after the iteration in flight (it then writes a checkpoint); a second one ends
 * the process at once. The JVM's public API has shutdown hooks only, which cannot keep the process
 * alive to finish an iteration, so this uses the JDK's supported-but-internal {@code sun.misc.Signal}
 * (module jdk.unsupported, kept for exactly this use).
 */
public final class StopSignal implements AutoCloseable {
    private volatile String received;
    private final SignalHandler previousTerm, previousInt;

    private StopSignal() {
        previousTerm = Signal.handle(new Signal("TERM"), this::handle);
        previousInt = Signal.handle(new Signal("INT"), this::handle);
    }

    /** Starts catching SIGTERM and SIGINT until {@link #close}. */
    public static StopSignal install() {
        return new StopSignal();
    }

    private void handle(Signal s) {
        if (received != null) {
            System.err.println("\nmarft: second SIG" + s.getName() + ": stopping now, without a checkpoint");
            Runtime.getRuntime().halt(128 + s.getNumber());
        }
        received = "SIG" + s.getName();
        System.err.println("\nmarft: SIG" + s.getName() + " received: finishing this iteration, then writing a checkpoint"
                + " (send it again to stop at once)");
    }

    /** The signal received (e.g. {@code SIGTERM}), or null. */
    public String received() {
        return received;
    }

    /** The exit code a process stopped by the received signal reports (128 + its number). */
    public int exitCode() {
        return "SIGINT".equals(received) ? 130 : 143;
    }

    @Override
    public void close() {
        Signal.handle(new Signal("TERM"), previousTerm);
        Signal.handle(new Signal("INT"), previousInt);
    }
}
