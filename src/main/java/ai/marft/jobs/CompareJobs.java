package ai.marft.jobs;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.config.TrainConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * {@code marft compare --jobs N}: the comparison's runs in N child JVMs at once, each at one tensor thread
 * with its console in {@code out/jobs/run<k>.log}. Separate processes rather than threads of this one:
 * each run keeps its own signal handling, progress line, memory figures and PyTorch thread settings,
 * exactly as a run of its own. A run that fails ends the comparison after the runs still going, with
 * one line naming its log; the table keeps what finished.
 */
final class CompareJobs {
    private CompareJobs() {}

    static List<Compare.Run> run(Compare.Plan plan, Compare.Options o, Path out, PrintStream log,
                                 Compare.ChildCommand child, Consumer<List<Compare.Run>> written) {
        List<TrainConfig> configs = plan.configs();
        Compare.Run[] done = new Compare.Run[configs.size()];
        Map<Integer, Process> running = new ConcurrentHashMap<>(); // the shutdown hook reads it from its own thread
        BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
        Thread stopChildren = new Thread(() -> running.values().forEach(Process::destroy)); // on Ctrl-C or SIGTERM
        Runtime.getRuntime().addShutdownHook(stopChildren);
        String failure = null;
        try {
            Files.createDirectories(out.resolve("jobs"));
            int next = 0;
            while (next < configs.size() || !running.isEmpty()) {
                while (failure == null && next < configs.size() && running.size() < o.jobs()) {
                    int k = next++;
                    log.println("compare: " + plan.label(k, o.minutes()) + ", in a child process (console: " + logFile(out, k) + ")");
                    Process p = new ProcessBuilder(child.of(k)).redirectErrorStream(true).redirectOutput(logFile(out, k).toFile()).start();
                    running.put(k, p);
                    p.onExit().thenRun(() -> ended.add(k));
                }
                if (running.isEmpty()) break; // a failure stopped the launches and nothing is left running
                int k = ended.take();
                int status = running.remove(k).exitValue();
                Path result = Compare.resultFile(out, k);
                if (status != 0 || !Files.isRegularFile(result)) {
                    if (failure == null) failure = String.format(Locale.ROOT, "compare: %s seed %d failed (exit status %d): see %s",
                            plan.names().get(k), configs.get(k).seed, status, logFile(out, k));
                    continue;
                }
                done[k] = Json.MAPPER.readValue(result.toFile(), Compare.Run.class);
                log.printf(Locale.ROOT, "compare: %s, seed %d: held-out accuracy %.3f after %d iterations%n",
                        plan.names().get(k), configs.get(k).seed, done[k].accuracy(), done[k].iterations());
                written.accept(finished(done));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running the comparison's child processes in " + out, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputError("compare: interrupted while its runs went on");
        } finally {
            running.values().forEach(Process::destroy);
            try {
                Runtime.getRuntime().removeShutdownHook(stopChildren);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
        if (failure != null) throw new InputError(failure);
        return finished(done);
    }

    /** The console of run k's child. */
    private static Path logFile(Path out, int k) {
        return Compare.resultFile(out, k).resolveSibling("run" + k + ".log");
    }

    private static List<Compare.Run> finished(Compare.Run[] done) {
        List<Compare.Run> runs = new ArrayList<>();
        for (Compare.Run r : done) if (r != null) runs.add(r);
        return runs;
    }
}
