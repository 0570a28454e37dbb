package ai.marft.env.math;

import org.matheclipse.core.basic.Config;
import org.matheclipse.core.eval.EvalEngine;
import org.matheclipse.core.eval.ExprEvaluator;
import org.matheclipse.core.interfaces.IExpr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Symbolic zero test with Symja, bounded in time. Symja keeps engine state per thread and shares
 * symbol tables, so every check runs on one worker thread, one at a time. A check past its deadline
 * is stopped (EvalEngine stop request), counted, logged, and answered "not zero"; its worker is
 * abandoned (a daemon) and the next check starts a fresh one. Symja starts lazily on the first
 * check (about 0.8 s on this machine).
 */
final class SymjaChecker {
    private static final Logger LOG = LoggerFactory.getLogger(SymjaChecker.class);

    private static final int RECURSION_LIMIT = 256;
    private static final int ITERATION_LIMIT = 10_000;

    private final Duration timeout;
    private final AtomicLong timeouts = new AtomicLong();
    private ExecutorService worker;
    private volatile EvalEngine running;

    SymjaChecker(Duration timeout) { this.timeout = timeout; }

    /** Number of checks that ran past the deadline so far. */
    long timeouts() { return timeouts.get(); }

    /** Whether Symja shows that {@code expression} (Symja input syntax) is identically zero. */
    synchronized boolean isZero(String expression) {
        if (worker == null) {
            worker = newWorker();
            // start-up (symbol tables, ~1 s the first time) is not part of any check's time bound
            try {
                worker.submit(EVALUATOR::get).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("Symja failed to start", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        Future<Boolean> result = worker.submit(() -> evaluateZero(expression));
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            EvalEngine engine = running;
            if (engine != null) engine.stopRequest();
            result.cancel(true);
            worker.shutdownNow();
            worker = null;
            timeouts.incrementAndGet();
            LOG.warn("symbolic check timed out after {} ms, counted as not equal: {}", timeout.toMillis(), abbreviate(expression));
            return false;
        } catch (ExecutionException e) {
            return false; // Symja could not evaluate it: not shown equal
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "symja-worker");
            t.setDaemon(true);
            return t;
        });
    }

    static {
        // Symja logs through log4j-api without an implementation: use log4j's simple logger instead of a startup error
        if (System.getProperty("log4j2.loggerContextFactory") == null)
            System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
    }

    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    /** One evaluator per worker thread; its messages ("PossibleZeroQ: ...") must not reach stdout. */
    private static final ThreadLocal<ExprEvaluator> EVALUATOR = ThreadLocal.withInitial(() -> {
        Config.FILESYSTEM_ENABLED = false;
        EvalEngine engine = new EvalEngine("marft-grader", RECURSION_LIMIT, ITERATION_LIMIT, DISCARD, DISCARD, true);
        engine.setQuietMode(true);
        return new ExprEvaluator(engine, false, (short) 100);
    });

    private boolean evaluateZero(String expression) {
        ExprEvaluator evaluator = EVALUATOR.get();
        running = evaluator.getEvalEngine();
        String e = "(" + expression + ")";
        // PossibleZeroQ settles most identities quickly; Simplify catches the ones it leaves (e.g. rational functions)
        IExpr possible = evaluator.eval("PossibleZeroQ" + e);
        if (possible.isTrue()) return true;
        IExpr simplified = evaluator.eval("Simplify(Together(Expand" + e + "))");
        return simplified.isZero();
    }

    private static String abbreviate(String s) { return s.length() <= 200 ? s : s.substring(0, 200) + "..."; }
}
