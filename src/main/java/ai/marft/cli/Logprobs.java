package ai.marft.cli;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.LmEngine;
import ai.marft.lm.ModelConfig;
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

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        long t0 = System.nanoTime();
        int[] given = input.ids != null ? parseIds(input.ids) : null; // before the model loads
        try (LmEngine engine = device.load(model)) {
            String name = null;
            if (adapter != null) {
                name = "adapter";
                engine.adapters().load(name, adapter);
            }
            int[] ids = given != null ? checkIds(given, engine.model().config()) : engine.tokenizer().encode(input.text);
            if (ids.length < 2) throw new InputError((given != null ? "--ids" : "--text") + ": " + ids.length + " token(s): need at least 2 to have a log-prob");
            // logged once the input is known good, so that a bad input is answered by its one error line
            System.err.printf("marft logprobs: loaded %s in %.1f s%n", engine.model().config(), (System.nanoTime() - t0) / 1e9);
            float[] lp = engine.logprobs(List.of(ids), name)[0];
            System.out.println(Json.MAPPER.writeValueAsString(lp));
        }
        return 0;
    }

    /** {@code ids} when every one is in the model's vocabulary; else an {@link InputError} naming the first that is not. */
    static int[] checkIds(int[] ids, ModelConfig config) {
        for (int k = 0; k < ids.length; k++)
            if (ids[k] < 0 || ids[k] >= config.vocabSize())
                throw new InputError("--ids: token id " + ids[k] + " (position " + k + ") is outside the model's vocabulary [0, " + config.vocabSize() + ")");
        return ids;
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
