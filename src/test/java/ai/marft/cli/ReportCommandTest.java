package ai.marft.cli;

import ai.marft.report.ReportFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `marft report DIR` through the CLI: a run folder, and bad input as exit code 2. */
class ReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheRunFoldersReport() throws Exception {
        Path run = ReportFixture.copy(tmp.resolve("run"));
        assertThat(Main.run("report", run.toString(), "--smoothing", "0.9")).isZero();
        assertThat(Files.readString(run.resolve("report.html"))).contains("weight 0.9,").endsWith("</html>\n");
    }

    @Test
    void badInputExitsWithTwo() throws Exception {
        Path run = ReportFixture.copy(tmp.resolve("run"));
        assertThat(Main.run("report", run.toString(), "--smoothing", "1")).isEqualTo(2);
        assertThat(Main.run("report", tmp.resolve("absent").toString())).isEqualTo(2);
        assertThat(run.resolve("report.html")).doesNotExist();
    }
}
