package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.report.CompareReport;
import ai.marft.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code marft report}: the HTML report of a run folder, or of a {@code marft compare} output folder. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write DIR/report.html for a run folder (learning curves, transcripts, provenance), or DIR/compare.html",
                "for a `marft compare` output folder (each variant's curves over seeds, the final table). One file, no network."})
public final class ReportCommand implements Runnable {
    @Parameters(paramLabel = "DIR", description = "run folder (metrics.jsonl, run_info.json) or compare folder (compare.json)")
    Path dir;
    @Option(names = "--smoothing", defaultValue = "0.6", description = "EMA weight of the smoothed curves, in [0, 1) (default: ${DEFAULT-VALUE})")
    double smoothing;

    @Override
    public void run() {
        if (!(smoothing >= 0 && smoothing < 1)) throw new InputError("--smoothing must be in [0, 1), got " + smoothing);
        if (!Files.isDirectory(dir)) throw new InputError(dir + ": no such folder");
        Path out = Files.isRegularFile(dir.resolve(CompareReport.COMPARE_JSON)) ? CompareReport.write(dir, smoothing) : RunReport.write(dir, smoothing);
        System.out.println(out);
    }
}
