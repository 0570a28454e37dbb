package ai.marft.train;

import ai.marft.InputError;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rules that keep a run folder from being damaged by a later command: a new run never writes
 * into a folder that holds a run (unless told to overwrite it), output folders are checked writable
 * before any work, and old checkpoints are pruned to the newest few.
 */
public final class RunFolder {
    private RunFolder() {}

    /** Whether {@code dir} holds a run (its run_info.json, metrics.jsonl or checkpoints) or a comparison (compare.json). */
    public static boolean hasRun(Path dir) {
        return Files.exists(dir.resolve("run_info.json")) || Files.exists(dir.resolve("metrics.jsonl")) || Files.exists(dir.resolve("compare.json"))
                || Files.exists(dir.resolve("checkpoints"));
    }

    /**
     * The first of {@code dir}, {@code dir-2}, {@code dir-3}, ... that does not exist yet, created here
     * with one atomic create: two commands started at the same moment (two demos side by side) never
     * share a folder (a check for a run alone cannot promise that: both would see the folder empty
     * before either writes). An existing folder is passed over even when it holds no run, because
     * another command may have just created it. Call it once every input is known good.
     */
    public static Path claimNew(Path dir) {
        for (int k = 1; ; k++) {
            Path p = k == 1 ? dir : next(dir, k);
            if (Files.exists(p)) continue;
            try {
                Path parent = p.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                Files.createDirectory(p);
                return p;
            } catch (FileAlreadyExistsException e) { // another command took it a moment ago: try the next
            } catch (IOException | SecurityException e) { // not creatable: requireWritable names the cause in one line
                return p;
            }
        }
    }

    private static Path next(Path dir, int k) {
        return dir.resolveSibling(dir.getFileName() + "-" + k);
    }

    /**
     * Prepares the folder of a new run: refuses one that holds a run unless {@code overwrite} (then
     * removes that run's files), creates it and checks that it is writable.
     */
    public static void prepareNew(Path dir, boolean overwrite) {
        if (hasRun(dir)) {
            if (!overwrite)
                throw new InputError("run folder " + dir + " already holds a run: continue it with --resume " + dir
                        + "/checkpoints/steps_NNNN, choose another run_dir, or pass --overwrite true to replace it");
            for (String f : List.of("run_info.json", "metrics.jsonl", "checkpoints", "report.md", "report.html", "transcripts.jsonl"))
                delete(dir.resolve(f));
        }
        requireWritable(dir, "run folder");
    }

    /** Creates {@code dir} if needed and checks that a file can be written in it; one line otherwise. */
    public static void requireWritable(Path dir, String what) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", "");
            Files.delete(probe);
        } catch (FileAlreadyExistsException e) { // createDirectories met a file on the way
            throw new InputError(what + " " + dir + " cannot be created: " + e.getFile() + " is a file");
        } catch (AccessDeniedException e) {
            throw new InputError(what + " " + dir + " is not writable (permission denied on " + e.getFile() + ")");
        } catch (IOException | SecurityException e) { // a file-system error's message is often just the path: say what failed
            String reason = e instanceof FileSystemException f ? (f.getReason() != null ? f.getReason() : "cannot create " + f.getFile()) : e.getMessage();
            throw new InputError(what + " " + dir + " is not writable (" + reason + ")");
        }
    }

    /**
     * Checks, before any work, that {@code file} can be written later, creating nothing: not a
     * folder, and the nearest existing folder on its path writable. {@code what} names it in the
     * error line, e.g. {@code --records}.
     */
    public static void requireWritableFile(Path file, String what) {
        if (Files.isDirectory(file)) throw new InputError(what + " " + file + ": is a folder, expected a file name");
        if (Files.exists(file) && !Files.isWritable(file)) throw new InputError(what + " " + file + ": the file is not writable");
        Path dir = file.toAbsolutePath().getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null) return;
        if (!Files.isDirectory(dir)) throw new InputError(what + " " + file + ": cannot be created, " + dir + " is a file");
        try {
            Files.delete(Files.createTempFile(dir, ".write-check", ""));
        } catch (IOException | SecurityException e) {
            throw new InputError(what + " " + file + ": folder " + dir + " is not writable");
        }
    }

    /** Removes all but the newest {@code keep} complete {@code steps_NNNN} checkpoints of {@code checkpoints} (0: keep all). */
    public static void prune(Path checkpoints, int keep) {
        if (keep <= 0 || !Files.isDirectory(checkpoints)) return;
        try (Stream<Path> s = Files.list(checkpoints)) {
            List<Path> steps = s.filter(p -> p.getFileName().toString().matches("steps_\\d+") && AtomicDir.isComplete(p))
                    .sorted(Comparator.comparing((Path p) -> Long.parseLong(p.getFileName().toString().substring(6))).reversed()).toList();
            for (Path old : steps.subList(Math.min(keep, steps.size()), steps.size())) delete(old);
        } catch (IOException e) {
            throw new UncheckedIOException("pruning checkpoints in " + checkpoints, e);
        }
    }

    private static void delete(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + p, e);
        }
    }
}
