package ai.marft.train;

import ai.marft.InputError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Writes a folder so that it either exists complete or not at all: contents go to a hidden
 * sibling, every file is fsynced, a {@value #MARKER} file is written last, then one atomic rename.
 * A crash mid-write leaves only the hidden sibling, which {@link #isComplete} rejects and the next
 * write removes.
 */
public final class AtomicDir {
    /** Fault-injection hook of the kill-and-resume test: a pause (ms) between the contents and the marker. */
    private static final long TEST_PAUSE_MS = Long.getLong("marft.test.checkpointPauseMs", 0);

    /** Present only in folders whose every file was written and synced. */
    public static final String MARKER = "COMPLETE";

    /** What fills the staging folder. */
    @FunctionalInterface
    public interface Writer {
        void write(Path staging) throws IOException;
    }

    private AtomicDir() {}

    /** Writes {@code target} through {@code writer}; replaces an existing complete folder of that name. */
    public static void write(Path target, Writer writer) {
        Path parent = target.toAbsolutePath().getParent();
        Path staging = parent.resolve("." + target.getFileName() + ".partial");
        Path old = parent.resolve("." + target.getFileName() + ".old");
        try {
            Files.createDirectories(parent);
            deleteTree(staging);
            deleteTree(old);
            Files.createDirectories(staging);
            writer.write(staging);
            if (TEST_PAUSE_MS > 0) pause();
            Files.writeString(staging.resolve(MARKER), "ok\n");
            syncTree(staging);
            if (Files.exists(target)) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("file system cannot rename atomically: " + parent, e);
            }
            fsync(parent);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(TEST_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when {@code dir} was completely written by {@link #write}. */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER));
    }

    /** Fails with one line when {@code dir} is missing or incompletely written. */
    public static Path requireComplete(Path dir, String what) {
        if (!Files.isDirectory(dir)) throw new InputError(what + " " + dir + (Files.exists(dir) ? ": is a file, expected a folder" : ": no such folder"));
        if (!isComplete(dir)) throw new InputError(what + " " + dir + ": incomplete (no " + MARKER + " marker; a crash during writing?)");
        return dir;
    }

    private static void syncTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) fsync(p);
        }
    }

    private static void fsync(Path p) throws IOException {
        boolean dir = Files.isDirectory(p);
        try (FileChannel ch = FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!dir) throw e; // some file systems refuse to open folders for sync; files must sync
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
