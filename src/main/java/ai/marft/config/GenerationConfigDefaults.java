package ai.marft.config;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Takes sampling defaults from the base model's {@code generation_config.json} as the reference's HF
 * {@code generate} does: the reference passes temperature and top-k explicitly (our defaults are its
 * values), so what reaches its sampler from the model folder is the rest, of which we apply
 * {@code top_p} (when the run does not set it) and name {@code repetition_penalty}, which we do not
 * apply, in one warning line rather than drop it silently.
 */
final class GenerationConfigDefaults {
    static final String FILE = "generation_config.json";

    private GenerationConfigDefaults() {}

    /** Fills top_p from the model folder's generation config unless {@code origin} says the run set it. */
    static void apply(TrainConfig cfg, Map<String, String> origin) {
        if (cfg.modelNameOrPath == null) return;
        Path file = Path.of(cfg.modelNameOrPath).resolve(FILE);
        if (!Files.isRegularFile(file)) return;
        JsonNode gen;
        try {
            gen = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputError(file + ": cannot parse (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (gen == null || !gen.isObject()) throw new InputError(file + ": expected a JSON object");
        boolean sampling = !gen.has("do_sample") || gen.get("do_sample").asBoolean(true); // greedy configs carry no sampling defaults
        JsonNode topP = gen.get("top_p");
        if (sampling && topP != null && !origin.containsKey("top_p")) {
            if (!topP.isNumber()) throw new InputError(file + ": top_p = " + topP + ": expected a number in (0, 1]");
            cfg.topP = topP.asDouble();
            origin.put("top_p", file.toString());
            System.err.printf(Locale.ROOT, "marft: top_p %s from %s (as HF generate; set top_p to override)%n", topP.asText(), file);
        }
        JsonNode penalty = gen.get("repetition_penalty");
        if (sampling && penalty != null && penalty.isNumber() && penalty.asDouble() != 1.0)
            System.err.printf(Locale.ROOT, "marft: %s sets repetition_penalty %s, which marft does not apply (HF generate would)%n", file, penalty.asText());
    }
}
