package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.algo.BasesMemoryBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code marft bench hetero}: resident memory of two agents on one base versus on two bases, against the bases' weight bytes. */
@Command(name = "hetero", mixinStandardHelpOptions = true,
        description = "RSS added by a two-agent team on one base (A, A) and on two bases (A, B), medians of --runs, with ratios to the "
                + "bases' weight bytes. Prints one JSON object.")
public final class BenchBases implements Callable<Integer> {
    @Option(names = "--model-a", paramLabel = "DIR", defaultValue = "models/tiny-arith", description = "base A (default ${DEFAULT-VALUE})")
    Path a;
    @Option(names = "--model-b", paramLabel = "DIR", defaultValue = "models/tiny-arith-b", description = "base B (default ${DEFAULT-VALUE})")
    Path b;
    @Option(names = "--runs", defaultValue = "5", description = "loads of each layout; medians are reported (default ${DEFAULT-VALUE})")
    int runs;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        threads.apply(1);
        if (runs < 1) throw new InputError("--runs " + runs + ": must be at least 1");
        System.out.println(Json.MAPPER.valueToTree(BasesMemoryBench.run(a, b, runs)).toPrettyString());
        return 0;
    }
}
