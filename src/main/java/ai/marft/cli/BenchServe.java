package ai.marft.cli;

import ai.marft.jobs.RolloutBackendBench;
import java.nio.file.Files;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.serve.ServeBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code marft bench serve}: tokens/s of marft serve with 1, 4 and 16 concurrent clients, as ratios to one client. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Generated tokens/s of an in-process marft serve with 1, 4 and 16 concurrent HTTP clients (medians of --runs), "
                + "with ratios to one client, all in one run. Prints one JSON object.")
public final class BenchServe implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", defaultValue = "models/tiny-arith", description = "model folder (default ${DEFAULT-VALUE})")
    Path model;
    @Option(names = "--clients", split = ",", defaultValue = "1,4,16", description = "concurrent clients per measurement (default ${DEFAULT-VALUE})")
    List<Integer> clients;
    @Option(names = "--runs", defaultValue = "3", description = "runs per client count; medians are reported (default ${DEFAULT-VALUE})")
    int runs;
    @Option(names = "--seconds", defaultValue = "5", description = "seconds per run (default ${DEFAULT-VALUE})")
    double seconds;
    @Option(names = "--max-tokens", defaultValue = "32", description = "max_tokens per request (default ${DEFAULT-VALUE})")
    int maxTokens;
    @Option(names = "--max-batch", defaultValue = "16", description = "the server's --max-batch (default ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--seeded", description = "also measure requests with a seed (how rollouts through RemoteGenerator arrive)")
    boolean seeded;
    @Option(names = "--training-iterations", defaultValue = "0",
            description = "also time this many training iterations (demo settings) with the local backend vs two servers (default: none)")
    int trainingIterations;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        threads.apply(1);
        if (runs < 1 || seconds <= 0 || maxTokens < 1 || maxBatch < 1 || clients.isEmpty() || clients.stream().anyMatch(c -> c < 1))
            throw new InputError("--runs, --max-tokens, --max-batch and every --clients count must be >= 1, --seconds > 0");
        if (trainingIterations < 0) throw new InputError("--training-iterations must be >= 0, got " + trainingIterations);
        var result = new ServeBench(runs, seconds, maxTokens, maxBatch, seeded, clients.stream().mapToInt(Integer::intValue).toArray()).run(model);
        if (trainingIterations > 0)
            result.set("training", RolloutBackendBench.run(model, trainingIterations, Files.createTempDirectory("marft-bench-serve")));
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        return 0;
    }
}
