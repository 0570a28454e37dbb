package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.SamplingParams;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code marft serve --team} reads of a training checkpoint: the run's config.json (base model,
 * profiles, sampling) and one PEFT folder per role. Read here with Jackson rather than through
 * run/Checkpoints and TrainConfig, which are being moved; the layout is the one Checkpoints documents
 * (a complete checkpoint carries the marker file {@code COMPLETE}).
 *
 * @param model    config's model_name_or_path (as written: relative paths are from where training ran)
 * @param profiles config's profile_path
 * @param params   config's max_new_tokens, temperature, top_k, top_p
 */
public record TeamCheckpoint(Path dir, Path model, Path profiles, SamplingParams params) {
    static final String MARKER = "COMPLETE", CONFIG = "config.json";

    public static TeamCheckpoint read(Path dir) {
        if (!Files.isDirectory(dir)) throw new InputError("--team " + dir + ": no such checkpoint folder");
        if (!Files.exists(dir.resolve(MARKER))) throw new InputError("--team " + dir + ": not a complete checkpoint (no " + MARKER + " marker)");
        Path f = dir.resolve(CONFIG);
        JsonNode c;
        try {
            c = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new InputError(f + ": cannot read the run's config (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        String model = c.path("model_name_or_path").asText(null), profiles = c.path("profile_path").asText(null);
        if (profiles == null) throw new InputError(f + ": no profile_path");
        int max = c.path("max_new_tokens").asInt(512), topK = c.path("top_k").asInt(50);
        double temperature = c.path("temperature").asDouble(0.5), topP = c.path("top_p").asDouble(1.0);
        return new TeamCheckpoint(dir, model == null ? null : Path.of(model), Path.of(profiles), new SamplingParams(max, temperature, topK, topP));
    }

    /** The PEFT adapter folder of {@code role}. */
    public Path adapter(String role) {
        Path p = dir.resolve(role);
        if (!Files.isDirectory(p)) throw new InputError("--team " + dir + ": no adapter folder for role '" + role + "'");
        return p;
    }
}
