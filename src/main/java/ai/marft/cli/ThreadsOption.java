package ai.marft.cli;

import ai.marft.lm.LmEngine;
import picocli.CommandLine.Option;

/** The engine commands' {@code --threads} option (a picocli mixin), applied before the model loads. */
final class ThreadsOption {
    @Option(names = "--threads", description = "tensor threads (default: $MARFT_THREADS, else the library's default: all cores)")
    int threads;

    /** Sets the engine's tensor threads from the option, else from $MARFT_THREADS; leaves the default otherwise. */
    void apply() {
        apply(0);
    }

    /** As {@link #apply()}, with {@code fallback} threads (when > 0) instead of the library's default. */
    void apply(int fallback) {
        int count = threads > 0 ? threads : LmEngine.threadsFromEnvironment();
        if (count <= 0) count = fallback;
        if (count > 0) LmEngine.setThreads(count);
    }
}
