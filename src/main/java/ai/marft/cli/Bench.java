package ai.marft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code marft bench}: performance measurements, one subcommand per part. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure performance (prints one JSON object).",
        subcommands = {BenchEngine.class, BenchServe.class, BenchBases.class})
public final class Bench implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
