package ai.marft.cli;

import ai.marft.Json;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code marft generate}: batched sampling from a prompt with the KV-cache engine. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt (batched, KV cache, seeded); prints the continuation(s) on stdout.")
public final class Generate implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder with tokenizer.json")
    Path model;
    @Option(names = "--prompt", required = true, description = "prompt text (special tokens such as <|im_start|> are recognised)")
    String prompt;
    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter folder to apply")
    Path adapter;
    @Option(names = "--max-new-tokens", defaultValue = "64", description = "at most this many tokens per row (default ${DEFAULT-VALUE})")
    int maxNewTokens;
    @Option(names = "--temperature", defaultValue = "0.5", description = "0 = greedy (default ${DEFAULT-VALUE})")
    double temperature;
    @Option(names = "--top-k", defaultValue = "50", description = "0 = off (default ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "1 = off (default ${DEFAULT-VALUE})")
    double topP;
    @Option(names = "--seed", defaultValue = "0", description = "same seed, same text (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--batch", defaultValue = "1", description = "rows sampled together from the prompt (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--json", description = "print a JSON array of {text, tokens, logprobs, ended_with_eos}")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        SamplingFlags.check(maxNewTokens, temperature, topK, topP); // the training options' declared ranges
        SamplingParams params = new SamplingParams(maxNewTokens, temperature, topK, topP);
        if (batch < 1) throw new ai.marft.InputError("--batch must be >= 1, got " + batch);
        try (LmEngine engine = device.load(model)) {
            String name = null;
            if (adapter != null) {
                name = "adapter";
                engine.adapters().load(name, adapter);
            }
            int[] ids = engine.tokenizer().encodePrompt(prompt);
            SamplingFlags.checkContext(ids.length, maxNewTokens, engine.model().config(), model);
            long t0 = System.nanoTime();
            List<Generation> gens = engine.generate(Collections.nCopies(batch, ids), Collections.nCopies(batch, name), params, seed);
            double secs = (System.nanoTime() - t0) / 1e9;
            int total = gens.stream().mapToInt(g -> g.tokens().length).sum();
            System.err.printf("marft generate: %d tokens in %.2f s (%.1f tokens/s, prompt %d tokens)%n", total, secs, total / secs, ids.length);
            List<String> texts = new ArrayList<>();
            for (Generation g : gens) texts.add(engine.tokenizer().decode(g.tokens()));
            if (json) {
                ArrayNode out = Json.MAPPER.createArrayNode();
                for (int i = 0; i < gens.size(); i++) {
                    ObjectNode o = out.addObject();
                    o.put("text", texts.get(i));
                    o.set("tokens", Json.MAPPER.valueToTree(gens.get(i).tokens()));
                    o.set("logprobs", Json.MAPPER.valueToTree(gens.get(i).logprobs()));
                    o.put("ended_with_eos", gens.get(i).endedWithEos());
                }
                System.out.println(Json.MAPPER.writeValueAsString(out));
            } else {
                for (String t : texts) System.out.println(t);
            }
        }
        return 0;
    }
}
