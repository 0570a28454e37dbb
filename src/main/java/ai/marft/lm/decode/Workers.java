package ai.marft.lm.decode;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that share one range of work at a time, without allocating per dispatch (a
 * parallel stream or a ForkJoin task allocates its spliterators and tasks on every call, which the hot
 * decode loop must not). The range is cut into a few chunks per thread that the caller and the helpers
 * claim one by one: on a machine with more runnable threads than cores a helper that is not scheduled
 * claims nothing and the caller does its share, instead of everybody waiting at a barrier for it (which
 * made two threads 5-10x slower than one under load). Helpers spin briefly, then park, between ranges.
 */
final class Workers implements AutoCloseable {
    /** Work cut into chunks: chunk c of n covers its share of the range; {@code worker} indexes per-thread scratch. */
    interface Parts {
        void run(int chunk, int chunks, int worker);
    }

    private static final int SPINS = 1 << 12;    // a few tens of µs of onSpinWait before a helper parks
    private static final int CHUNKS_PER_THREAD = 4;

    private final Thread[] helpers;
    private volatile Thread caller;
    private final AtomicLong state = new AtomicLong(); // (range number << 32) | next unclaimed chunk
    private final AtomicInteger done = new AtomicInteger();
    private volatile Parts work;
    private volatile int chunks;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    /** A team of {@code threads} (the caller included): threads - 1 daemon helpers. */
    Workers(int threads) {
        helpers = new Thread[Math.max(0, threads - 1)];
        for (int t = 0; t < helpers.length; t++) {
            int worker = t + 1;
            helpers[t] = Thread.ofPlatform().daemon().name("marft-decode-" + worker).start(() -> loop(worker));
        }
    }

    int threads() {
        return helpers.length + 1;
    }

    /**
     * Runs {@code p} over all its chunks, the caller taking part as worker 0; returns when every chunk is
     * done. Callers on different threads take turns (one team, one range at a time).
     */
    synchronized void run(Parts p) {
        int n = threads() * CHUNKS_PER_THREAD;
        if (threads() == 1 || closed) { // a team replaced while a batch still ran finishes its chunks here
            for (int c = 0; c < n; c++) p.run(c, n, 0);
            return;
        }
        caller = Thread.currentThread();
        work = p;
        chunks = n;
        done.set(0);
        long range = (state.get() >>> 32) + 1;
        state.set(range << 32); // publishes work and chunks: a claim succeeds only against this state
        for (Thread h : helpers) LockSupport.unpark(h);
        claim(range, 0);
        for (int spins = 0; done.get() < n; spins++) {
            if (spins < SPINS) Thread.onSpinWait();
            else LockSupport.parkNanos(this, 50_000);
        }
        RuntimeException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
    }

    /**
     * Claims and runs chunks of {@code range} until none is left. A successful claim proves the range is
     * still open (it cannot close before this chunk is done), so work and chunks read after it are its own.
     */
    private void claim(long range, int worker) {
        while (true) {
            long s = state.get();
            if (s >>> 32 != range || (int) s >= chunks) return;
            if (!state.compareAndSet(s, s + 1)) continue;
            int n = chunks;
            try {
                work.run((int) s, n, worker);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                if (done.incrementAndGet() == n && worker != 0) LockSupport.unpark(caller);
            }
        }
    }

    private void loop(int worker) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (state.get() >>> 32 == seen && !closed) {
                if (spins++ < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = state.get() >>> 32;
            claim(seen, worker);
        }
    }

    /** The share [from, to) of chunk c of n over [0, units), in whole blocks of {@code block} units. */
    static int from(int chunk, int chunks, int units, int block) {
        int blocks = (units + block - 1) / block;
        return Math.min(units, (int) ((long) blocks * chunk / chunks) * block);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) LockSupport.unpark(h);
    }
}
