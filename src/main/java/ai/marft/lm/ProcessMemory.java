package ai.marft.lm;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from /proc/self/status (Linux); -1 where unavailable. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** glibc's malloc_trim(size_t), or null where the C library has none (musl, macOS). */
    private static final MethodHandle MALLOC_TRIM = Linker.nativeLinker().defaultLookup().find("malloc_trim")
            .map(f -> Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
            .orElse(null);

    /** Current resident set size in bytes. */
    public static long rss() {
        return field("VmRSS:");
    }

    /** Current resident set size in MiB, NaN where unavailable. */
    public static double rssMegabytes() {
        long b = rss();
        return b < 0 ? Double.NaN : b / 1048576.0;
    }

    /** Peak resident set size in bytes. */
    public static long peakRss() {
        return field("VmHWM:");
    }

    /**
     * Hands the C heap's free pages back to the system (glibc malloc_trim). PyTorch's CPU tensors
     * live in malloc'd blocks of many sizes; after they are freed glibc keeps the pages, so without
     * this RSS measures fragmentation, not live memory. No-op where unavailable.
     */
    public static void trimNativeHeap() {
        if (MALLOC_TRIM == null) return;
        try {
            int ignored = (int) MALLOC_TRIM.invokeExact(0L);
        } catch (Throwable t) {
            throw new IllegalStateException("malloc_trim failed", t);
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith(name)) return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
