package ai.marft.algo;

import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the independent steps of one PPO minibatch (each agent's policy step, the critic's) side by side,
 * each on a Java thread with its share of the tensor threads (two threads, three steps: two at a time,
 * one tensor thread each), instead of one after another on all of the library's intra-op threads. Why:
 * the update's ops are small (16 decisions of the embedded model), and PyTorch's OpenMP team meets at a
 * barrier after every op; two intra-op threads gained ~1.5x on an idle machine but made the update 10x
 * slower when another process held a core (docs/engine.md). Steps on disjoint parameters (an agent's
 * adapter and optimizer, the critic's head) need no barrier between them, and each gives the numbers
 * it gives alone at its thread count, in any order.
 */
final class StepThreads {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final AtomicLong SIDE_BY_SIDE = new AtomicLong();
    private static ExecutorService pool;
    private static int poolSize, poolTensorThreads;

    private StepThreads() {}

    /**
     * The results of {@code steps} in their order, computed on up to {@code threads} threads; with one
     * thread or one step, on the caller (with the caller's tensor threads). A step's failure is rethrown
     * as it was thrown, after every step has ended.
     */
    static <T> List<T> all(int threads, List<Callable<T>> steps) {
        List<T> out = new ArrayList<>(steps.size());
        if (threads <= 1 || steps.size() <= 1) {
            for (Callable<T> s : steps) out.add(call(s));
            return out;
        }
        List<Future<T>> running = new ArrayList<>(steps.size());
        int side = Math.min(threads, steps.size());
        ExecutorService p = pool(side, threads / side);
        SIDE_BY_SIDE.incrementAndGet();
        for (Callable<T> s : steps) running.add(p.submit(s));
        RuntimeException failure = null;
        for (Future<T> f : running) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while the update's steps ran", e);
            }
        }
        if (failure != null) throw failure;
        return out;
    }

    /** How many groups of steps ran side by side in this process (tests check the threaded path ran). */
    static long sideBySide() {
        return SIDE_BY_SIDE.get();
    }

    private static <T> T call(Callable<T> s) {
        try {
            return s.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One pool per process, remade when its shape changes; daemon threads, so nothing to close. */
    private static synchronized ExecutorService pool(int threads, int tensorThreads) {
        if (pool == null || poolSize != threads || poolTensorThreads != tensorThreads) {
            if (pool != null) pool.shutdown(); // its threads finish what they hold, then end
            pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon()
                    .name("marft-update-" + NAMES.incrementAndGet()).unstarted(() -> {
                        // PyTorch keeps its intra-op thread count per thread (OpenMP's and MKL's setting; the
                        // value set last also seeds threads that never set one)
                        JniUtils.setNumThreads(tensorThreads);
                        JniUtils.setGradMode(false); // recording is per thread too: off outside a GradScope
                        r.run();
                    }));
            poolSize = threads;
            poolTensorThreads = tensorThreads;
        }
        return pool;
    }
}
