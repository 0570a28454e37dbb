package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.lm.LmEngine;
import picocli.CommandLine.Option;

/** The engine commands' {@code --threads} option (a picocli mixin), applied before the model loads. */
final class ThreadsOption {
    @Option(names = "--threads", description = "tensor threads (default: $MARFT_THREADS, else all cores; demo: at most 2)")
    Integer threads;

    /** Sets the engine's tensor threads from the option, else from $MARFT_THREADS; leaves the default otherwise. */
    void apply() {
        apply(0);
    }

    /** As {@link #apply()}, with {@code fallback} threads (when > 0) instead of the library's default. */
    void apply(int fallback) {
        if (threads != null && threads < 1) throw new InputError("--threads " + threads + ": must be at least 1");
        int count = threads != null ? threads : LmEngine.threadsFromEnvironment();
        if (count <= 0) count = fallback;
        if (count > 0) LmEngine.setThreads(count);
    }
}
