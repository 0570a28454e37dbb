package ai.marft.serve;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code marft serve} child JVM on a free port (this JVM's class path), its output in a log file. */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("marft serve: listening on (\\S+)");
    final Process process;
    final Path log;
    private URI uri;

    /** Starts {@code marft serve --port 0 --threads 1 ARGS...}; call {@link #awaitReady} before use. */
    ServeProcess(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "ai.marft.cli.Main", "serve", "--port", "0", "--threads", "1"));
        cmd.addAll(List.of(args));
        this.log = log;
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits for the "listening on" line; fails with the log when the process dies or takes over 3 minutes. */
    ServeProcess awaitReady() throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                uri = URI.create(m.group(1));
                return this;
            }
            if (!process.isAlive()) throw new IllegalStateException("marft serve exited " + process.exitValue() + ":\n" + Files.readString(log));
            Thread.sleep(100);
        }
        throw new IllegalStateException("marft serve not ready after 3 minutes:\n" + Files.readString(log));
    }

    URI uri() {
        return uri;
    }

    /** Sends a POSIX signal (STOP, CONT) to the process. */
    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
