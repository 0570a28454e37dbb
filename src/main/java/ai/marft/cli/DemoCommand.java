package ai.marft.cli;

import ai.marft.jobs.Demo;
import ai.marft.train.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code marft demo}: the main job, before/after MARFT-A on the embedded arith task. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Measure the embedded model's planner/solver team on two held-out sets (problems never trained on, and",
                "fresh draws of the task's mix), train it with MARFT-A for a bounded time, measure again; print the table,",
                "keep DIR/checkpoints/final and DIR/report.md."})
public final class DemoCommand implements Runnable {
    @Option(names = "--out", description = "output folder (default: the first of runs/demo, runs/demo-2, -3, ... not there yet)")
    Path out;
    @Option(names = "--overwrite", description = "replace the run already in --out (otherwise the demo refuses to start there)")
    boolean overwrite;
    @Option(names = "--minutes", defaultValue = "14", description = "training time budget (default: ${DEFAULT-VALUE}; the before/after evaluations add about a minute)")
    double minutes;
    @Option(names = "--config", defaultValue = "configs/demo_arith.yaml", description = "RL settings (default: ${DEFAULT-VALUE})")
    Path config;
    @Option(names = "--heldout", defaultValue = "300", description = "problems in each held-out set, unseen and the task's mix (default: ${DEFAULT-VALUE})")
    int heldOut;
    @Option(names = "--seed", description = "the run's seed (default: the config's); the problem sets stay the same")
    Long seed;

    @Mixin
    ThreadsOption threads; // default: two (or the machine's one core): the update runs the two agents side by side

    @Override
    public void run() {
        threads.apply(Math.min(2, Runtime.getRuntime().availableProcessors()));
        Path dir = out;
        if (dir == null) {
            Demo.check(config, minutes, heldOut, seed); // bad input stops before the folder below is created
            dir = RunFolder.claimNew(Path.of("runs/demo"));
        }
        Demo.Result r = Demo.run(config, dir, minutes, heldOut, overwrite, seed, System.err);
        System.out.print(r.table());
        System.err.println("marft demo: final checkpoint " + r.checkpoint() + ", report " + dir.resolve("report.html"));
    }
}
