package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.LmEngine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code marft logprobs}: prints only a JSON array of log p(id_k | id_<k), k = 1..n-1, on stdout. */
@Command(name = "logprobs", mixinStandardHelpOptions = true,
        description = "Print log p(id_k | id_<k) for k = 1..n-1 as a JSON array (stdout); logs go to stderr.")
public final class Logprobs implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder (llama / qwen2)")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--ids", paramLabel = "ID,ID,...", description = "token ids, comma-separated (no tokenizer needed)")
        String ids;
        @Option(names = "--text", paramLabel = "TEXT", description = "text, tokenized with the model's tokenizer.json")
        String text;
    }

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter folder to apply")
    Path adapter;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        long t0 = System.nanoTime();
        try (LmEngine engine = LmEngine.load(model)) {
            System.err.printf("marft logprobs: loaded %s in %.1f s%n", engine.model().config(), (System.nanoTime() - t0) / 1e9);
            String name = null;
            if (adapter != null) {
                name = "adapter";
                engine.adapters().load(name, adapter);
            }
            int[] ids = input.ids != null ? parseIds(input.ids) : engine.tokenizer().encode(input.text);
            float[] lp = engine.logprobs(List.of(ids), name)[0];
            System.out.println(Json.MAPPER.writeValueAsString(lp));
        }
        return 0;
    }

    /** "1, 5,17" → {1, 5, 17}; anything else is an {@link InputError} naming the bad item. */
    static int[] parseIds(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).mapToInt(s -> {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new InputError("--ids: '" + s + "' is not an integer token id");
            }
        }).toArray();
    }
}
