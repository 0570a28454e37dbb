package ai.marft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console of `bin/marft` as a user sees it, in a child process running the script on the
 * classes under test (MARFT_CLASSPATH): no library INFO/WARN lines and no JVM warnings unless
 * --verbose, and a user error as one line.
 */
class ConsoleTest {
    @TempDir
    Path tmp;

    record Run(int status, String stdout, List<String> stderr) {}

    Run marft(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "bin/marft"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        pb.environment().put("MARFT_CLASSPATH", String.join(File.pathSeparator, cp.split(File.pathSeparator)));
        pb.environment().remove("MARFT_VERBOSE");
        pb.environment().put("MARFT_JVM_OPTS", "-Xmx1g");
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("bin/marft finished").isTrue();
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readAllLines(tmp.resolve("err")));
    }

    static List<String> noise(List<String> stderr) {
        return stderr.stream().filter(l -> l.contains("WARNING") || l.contains("WARN ") || l.contains("INFO ") || l.contains("[main]")).toList();
    }

    @Test
    void aCommandThatLoadsTheEngineIsQuiet() throws Exception {
        Run r = marft("generate", "--model", "models/tiny-arith", "--prompt", "What is 2 + 3?", "--max-new-tokens", "2", "--threads", "1");
        assertThat(r.status()).as("stderr: " + r.stderr()).isZero();
        assertThat(r.stdout()).isNotBlank();
        assertThat(noise(r.stderr())).isEmpty();
        assertThat(r.stderr()).singleElement().asString().startsWith("marft generate: 2 tokens");
    }

    @Test
    void verboseShowsTheLibrariesAndTheJvmAgain() throws Exception {
        Run r = marft("--verbose", "generate", "--model", "models/tiny-arith", "--prompt", "What is 2 + 3?", "--max-new-tokens", "1", "--threads", "1");
        assertThat(r.status()).isZero();
        assertThat(r.stderr()).contains("WARNING: Using incubator modules: jdk.incubator.vector");
        assertThat(r.stderr()).anyMatch(l -> l.startsWith("INFO PtEngine"));
    }

    @Test
    void aDatasetCommandPrintsNothingButItsWork() throws Exception {
        Run r = marft("arith-dataset", "--n", "3", "--out", tmp.resolve("arith.json").toString());
        assertThat(r.status()).isZero();
        assertThat(noise(r.stderr())).isEmpty();
        assertThat(tmp.resolve("arith.json")).exists();
    }

    @Test
    void aUserErrorIsOneLine() throws Exception {
        Run r = marft("report", tmp.resolve("absent").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).containsExactly("marft report: " + tmp.resolve("absent") + ": no such folder");
    }

    @Test
    void theBenchStopsOnABadModelFolderBeforeMeasuringTheMachine() throws Exception {
        Run r = marft("bench", "engine", "--model", tmp.resolve("absent").toString(), "--decode-only");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).singleElement().asString()
                .startsWith("marft bench engine: " + tmp.resolve("absent").resolve("config.json") + ": cannot read model config");
    }
}
