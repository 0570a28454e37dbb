package ai.marft.badinput;

import ai.marft.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input suite (issue 13 point 6): every case runs the CLI in-process on one bad input and
 * must be answered with exit code 2, exactly one line on stderr naming what and where (every
 * {@link Case#mentions()} string), no stack trace, nothing on stdout, and no file changed under the
 * shared folder (fixtures, the finished run, the case's own folder) nor in the working folder's runs/.
 * Case tables: {@link InputFileCases} (profiles, models, datasets, pairs files), {@link OptionCases}
 * (configs, sampling, ids, command options), {@link RunFolderCases} (checkpoints, run folders, output paths).
 */
class BadInputTest {
    @TempDir
    static Path shared;

    @BeforeAll
    static void buildFixtures() throws Exception {
        Fixture.build(shared);
    }

    @AfterAll
    static void restorePermissions() {
        Fixture.makeWritable(shared); // read-only cases leave folders that @TempDir could not delete
    }

    static Stream<Case> cases() {
        return Stream.of(InputFileCases.all(), OptionCases.all(), RunFolderCases.all()).flatMap(List::stream);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredWithOneLineAndNothingWritten(Case c) throws Exception {
        Path dir = Files.createDirectories(shared.resolve("cases").resolve(c.name().replaceAll("[^A-Za-z0-9_.-]+", "_")));
        String[] args = c.setup().args(dir);
        Map<String, String> before = Snapshot.of(shared), cwdRunsBefore = Snapshot.of(Path.of("runs"));

        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        PrintStream oldErr = System.err, oldOut = System.out;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code = Main.run(args);
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        String stderr = err.toString(StandardCharsets.UTF_8), stdout = out.toString(StandardCharsets.UTF_8);
        oldErr.println("[" + c.name() + "] exit " + code + ": " + stderr.strip());

        assertThat(code).as("exit code; stderr: %s", stderr).isEqualTo(2);
        assertThat(stderr).doesNotContain("Exception").doesNotContain("\tat ");
        List<String> lines = stderr.lines().toList();
        assertThat(lines).as("stderr lines").hasSize(1);
        assertThat(lines.getFirst()).contains(c.mentions().stream().map(m -> m.replace("{dir}", dir.toString())).toList());
        assertThat(stdout).as("stdout").isEmpty();
        assertThat(Snapshot.changes(before, Snapshot.of(shared))).as("files changed under the shared folder").isEmpty();
        assertThat(Snapshot.changes(cwdRunsBefore, Snapshot.of(Path.of("runs")))).as("files changed under ./runs").isEmpty();
    }
}
