package ai.marft.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fixture run folder, src/test/resources/report/run: metrics.jsonl and run_info.json of a real
 * one-minute `marft demo` run (2026-12-01), with eval rows added at iterations 5, 10, 15 and 19 and
 * the command recorded; before_after.json with that run's table; transcripts.jsonl holds that
 * run's held-out episodes, relabelled as iterations 1 and 19.
 */
public final class ReportFixture {
    public static final Path RUN = Path.of("src/test/resources/report/run");

    private ReportFixture() {}

    /** A copy of the fixture in {@code to} (tests write report.html beside it). */
    public static Path copy(Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(RUN)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }
}
