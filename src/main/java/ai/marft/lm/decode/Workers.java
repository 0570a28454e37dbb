package ai.marft.lm.decode;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that split one range of work at a time, without allocating per dispatch (a
 * parallel stream or a ForkJoin task allocates its spliterators and tasks on every call, which the hot
 * decode loop must not). The caller runs part 0 itself; helpers spin briefly, then park, between parts.
 */
final class Workers implements AutoCloseable {
    /** Work split into parts: part p of n covers its share of the caller's range. */
    interface Parts {
        void run(int part, int parts);
    }

    private static final int SPINS = 1 << 14; // about 20-50 µs of onSpinWait before a helper parks

    private final Thread[] helpers;
    private volatile Thread caller;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Parts work;
    private volatile int epoch;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    /** A team of {@code threads} (the caller included): threads - 1 daemon helpers. */
    Workers(int threads) {
        helpers = new Thread[Math.max(0, threads - 1)];
        for (int t = 0; t < helpers.length; t++) {
            int part = t + 1;
            helpers[t] = Thread.ofPlatform().daemon().name("marft-decode-" + part).start(() -> loop(part));
        }
    }

    int threads() {
        return helpers.length + 1;
    }

    /**
     * Runs {@code p} over all parts, part 0 on the calling thread; returns when every part is done.
     * Callers on different threads take turns (one team, one range at a time).
     */
    synchronized void run(Parts p) {
        int n = threads();
        if (closed) { // a team replaced while a batch still ran: finish its parts here
            for (int part = 0; part < n; part++) p.run(part, n);
            return;
        }
        if (n == 1) {
            p.run(0, 1);
            return;
        }
        caller = Thread.currentThread();
        work = p;
        pending.set(n - 1);
        epoch++;
        for (Thread h : helpers) LockSupport.unpark(h);
        try {
            p.run(0, n);
        } finally {
            for (int spins = 0; pending.get() > 0; spins++) {
                if (spins < SPINS) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 20_000);
            }
            work = null;
        }
        RuntimeException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
    }

    private void loop(int part) {
        int seen = 0;
        while (true) {
            int spins = 0;
            while (epoch == seen && !closed) {
                if (spins++ < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = epoch;
            try {
                work.run(part, threads());
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
            }
        }
    }

    /** The share [from, to) of part p of n over [0, units), in whole blocks of {@code block} units. */
    static int from(int part, int parts, int units, int block) {
        int blocks = (units + block - 1) / block;
        return Math.min(units, (int) ((long) blocks * part / parts) * block);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) LockSupport.unpark(h);
    }
}
