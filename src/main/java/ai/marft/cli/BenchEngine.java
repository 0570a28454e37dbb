package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.EngineBench;
import ai.marft.lm.LmEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code marft bench engine}: decode / prefill / scoring throughput and the machine's bounds. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Decode tokens/s and ms/token (batch 1 and 16; the fused path against the tensor-library path, 2 threads against 1), "
                + "heap bytes per token and RSS over 200 generate calls (small models), prefill tokens/s, LoRA scoring fwd+bwd tokens/s, peak RSS, "
                + "and the measured matmul peak and memory bandwidth they are compared with. Prints one JSON object.")
public final class BenchEngine implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face model folder")
    Path model;
    @Option(names = "--qwen-shape", description = "build a random Qwen2.5-0.5B-shaped model (hidden 896, 24 layers, 14/2 heads, intermediate 4864) in a temp folder")
    boolean qwenShape;
    @Option(names = "--tokenizer", paramLabel = "DIR", defaultValue = "../shared/data/tokenizers/qwen3",
            description = "tokenizer folder for --qwen-shape (default ${DEFAULT-VALUE})")
    Path tokenizer;
    @Option(names = "--runs", defaultValue = "3", description = "repetitions per figure; medians are reported (default ${DEFAULT-VALUE})")
    int runs;
    @Option(names = "--score-rows", defaultValue = "16", description = "rows of the scoring batch (default ${DEFAULT-VALUE})")
    int scoreRows;
    @Option(names = "--score-length", defaultValue = "256", description = "tokens per scoring row, the last quarter are actions (default ${DEFAULT-VALUE})")
    int scoreLength;
    @Option(names = "--micro-batch", defaultValue = "4", description = "scoring rows per forward/backward, gradients accumulated (default ${DEFAULT-VALUE})")
    int microBatch;

    @Option(names = "--decode-only", description = "measure the machine's bounds and decoding only (no prefill, scoring, adapter memory)")
    boolean decodeOnly;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        if ((model == null) == !qwenShape) throw new InputError("give exactly one of --model DIR or --qwen-shape");
        if (runs < 1 || scoreRows < 1 || scoreLength < 8 || microBatch < 1)
            throw new InputError("--runs, --score-rows, --micro-batch must be >= 1 and --score-length >= 8");
        Path dir = model;
        Path temp = null;
        if (qwenShape) {
            if (!Files.exists(tokenizer.resolve("tokenizer.json")))
                throw new InputError(tokenizer + ": no tokenizer.json (give --tokenizer DIR)");
            temp = Files.createTempDirectory("marft-qwen-shape");
            dir = EngineBench.writeQwenShaped(temp, tokenizer);
        }
        try {
            var result = new EngineBench(runs, scoreRows, scoreLength, microBatch, decodeOnly).run(dir);
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } finally {
            if (temp != null) try (var files = Files.walk(temp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }
}
