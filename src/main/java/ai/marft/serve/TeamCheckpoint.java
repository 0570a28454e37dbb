package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.SamplingParams;
import ai.marft.algo.Algorithm;
import ai.marft.algo.TeamParameters;
import ai.marft.config.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code marft serve --team} reads of a training checkpoint: the run's config.json (base model,
 * profiles, sampling) and one PEFT folder per role ({@link TeamParameters}' layout; a complete
 * checkpoint carries the marker file {@code COMPLETE}). Not through train.Checkpoints: the training
 * loop uses this package's rollout client, so this package does not depend on it.
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
        TrainConfig c;
        try {
            c = Json.MAPPER.readValue(f.toFile(), TrainConfig.class);
        } catch (IOException e) {
            throw new InputError(f + ": cannot read the run's config (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (c.profilePath == null) throw new InputError(f + ": no profile_path");
        return new TeamCheckpoint(dir, c.modelNameOrPath == null ? null : Path.of(c.modelNameOrPath), Path.of(c.profilePath),
                Algorithm.samplingParams(c));
    }

    /** The PEFT adapter folder of {@code role}. */
    public Path adapter(String role) {
        Path p = TeamParameters.adapterDir(dir, role);
        if (!Files.isDirectory(p)) throw new InputError("--team " + dir + ": no adapter folder for role '" + role + "'");
        return p;
    }
}
