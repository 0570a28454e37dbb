package ai.marft.cli;

import ai.marft.jobs.Compare;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import ai.marft.train.RunFolder;
import picocli.CommandLine.Option;

import ai.marft.InputError;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code marft compare}: variants of one run config under equal wall-clock budgets, over seeds, on held-out arith problems. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Train each variant (appo, tppo, grpo, solo, abat; appo_ref: APPO with kl_coef 0, the reference's objective)",
                "for the same wall-clock budget per seed, measure held-out accuracy of the final team, write OUT/compare.md and",
                "OUT/compare.json (mean ± std over seeds, and a paired t-test over seeds for each pair of variants)."})
public final class CompareCommand implements Runnable {
    @Option(names = "--config", defaultValue = "configs/compare_arith.yaml", description = "base run config (default: ${DEFAULT-VALUE})")
    Path config;
    @Option(names = "--variants", defaultValue = "appo,tppo,grpo,solo,abat", split = ",", description = "variants (default: ${DEFAULT-VALUE})")
    List<String> variants;
    @Option(names = "--minutes", defaultValue = "2", description = "training budget per run (default: ${DEFAULT-VALUE})")
    double minutes;
    @Option(names = "--seeds", defaultValue = "3", description = "seeds per variant (default: ${DEFAULT-VALUE})")
    int seeds;
    @Option(names = "--heldout", defaultValue = "200", description = "held-out problems (default: ${DEFAULT-VALUE})")
    int heldOut;
    @Option(names = "--abat-interval", defaultValue = "5", description = "agent_iteration_interval of abat (default: ${DEFAULT-VALUE})")
    int abatInterval;
    @Option(names = "--solo-profiles", defaultValue = "configs/arith_solo.json", description = "team of solo (default: ${DEFAULT-VALUE})")
    Path soloProfiles;
    @Option(names = "--out", description = "output folder (default: the first of runs/compare, runs/compare-2, -3, ... not there yet)")
    Path out;
    @Option(names = "--jobs", defaultValue = "1", description = "runs at once, each in a child process at one thread (default: ${DEFAULT-VALUE}: "
            + "one after another in this process)")
    int jobs;
    @Option(names = "--run-only", hidden = true, description = "child of --jobs: run K of the comparison alone (OUT/data written by the parent)")
    Integer runOnly;

    @Mixin
    ThreadsOption threads;

    @Override
    public void run() {
        threads.apply(1); // one run of the embedded model at a time per thread: runs side by side are --jobs
        Compare.Options o = new Compare.Options(variants, minutes, seeds, heldOut, abatInterval, soloProfiles, jobs);
        if (runOnly != null) {
            if (out == null) throw new InputError("--run-only needs --out (the parent's folder)");
            Compare.runOnly(config, o, out, runOnly, System.err);
            return;
        }
        if (out == null) {
            Compare.check(config, o); // bad input stops before the folder below is created
            out = RunFolder.claimNew(Path.of("runs/compare"));
        }
        List<Compare.Run> runs = Compare.run(config, o, out, System.err, this::childCommand);
        System.out.print(Compare.table(runs, o));
        System.err.println("marft compare: " + out.resolve("compare.md") + ", " + out.resolve("compare.json"));
    }

    /** This JVM's command line (its flags and class path) running {@code marft compare} with these options for run k only. */
    private List<String> childCommand(int k) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "compare", "--config", config.toString(),
                "--variants", String.join(",", variants), "--minutes", String.valueOf(minutes), "--seeds", String.valueOf(seeds),
                "--heldout", String.valueOf(heldOut), "--abat-interval", String.valueOf(abatInterval), "--solo-profiles", soloProfiles.toString(),
                "--out", out.toString(), "--threads", "1", "--run-only", String.valueOf(k)));
        return cmd;
    }
}
