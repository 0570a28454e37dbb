package ai.marft.train;

import ai.marft.config.TrainConfig;

import ai.marft.InputError;
import ai.marft.algo.TeamParameters;
import ai.marft.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Layout of a checkpoint folder ({@code steps_NNNN/}, written through {@link AtomicDir}): the
 * {@link TeamParameters} files (adapters, critic, optimizer states), and
 * <pre>
 *   trainer_state.json           {@link TrainerState}: iteration, problem order, episodes in flight
 *   config.json                  the run's {@link TrainConfig}
 *   COMPLETE                     AtomicDir's marker
 * </pre>
 */
public final class Checkpoints {
    public static final String STATE = "trainer_state.json", CONFIG = "config.json";

    private Checkpoints() {}

    /** {@code steps_NNNN} for a checkpoint after {@code iteration} iterations. */
    public static String name(long iteration) {
        return String.format(Locale.ROOT, "steps_%04d", iteration);
    }

    /** The config stored in a complete checkpoint. */
    public static Path config(Path checkpoint) {
        return AtomicDir.requireComplete(checkpoint, "checkpoint").resolve(CONFIG);
    }

    /** Loads every role's adapter of a complete checkpoint into {@code engine}, named after the role. */
    public static void loadAdapters(ai.marft.lm.LmEngine engine, java.util.List<String> roles, Path checkpoint) {
        TeamParameters.loadAdapters(engine, roles, AtomicDir.requireComplete(checkpoint, "checkpoint"));
    }

    /**
     * The base each role's adapter belongs to (its adapter_config.json's base_model_name_or_path) where
     * that names a model folder here, else {@code fallback}'s entry for the role (the profile's model
     * or the run's): how eval rebuilds a team whose agents sit on different bases.
     */
    public static java.util.List<Path> adapterBases(Path checkpoint, java.util.List<String> roles, java.util.List<Path> fallback) {
        Path dir = AtomicDir.requireComplete(checkpoint, "checkpoint");
        java.util.List<Path> out = new java.util.ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            String role = roles.get(i);
            if (!java.nio.file.Files.isDirectory(TeamParameters.adapterDir(dir, role)))
                throw new InputError("checkpoint " + checkpoint + " has no adapter for role '" + role + "'");
            Path base = TeamParameters.adapterBase(dir, role);
            out.add(java.nio.file.Files.isRegularFile(base.resolve("config.json")) ? base : fallback.get(i));
        }
        return out;
    }

    /** The training config stored in a complete checkpoint. */
    public static TrainConfig readConfig(Path checkpoint) {
        Path f = config(checkpoint);
        try {
            return Json.MAPPER.readValue(f.toFile(), TrainConfig.class);
        } catch (IOException e) {
            throw new InputError(f + ": cannot read config (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    static void writeConfig(Path checkpoint, TrainConfig cfg) throws IOException {
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(checkpoint.resolve(CONFIG).toFile(), cfg);
    }

    static void writeState(Path checkpoint, TrainerState s) throws IOException {
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(checkpoint.resolve(STATE).toFile(), s);
    }

    static TrainerState readState(Path checkpoint) {
        Path f = AtomicDir.requireComplete(checkpoint, "checkpoint").resolve(STATE);
        try {
            return Json.MAPPER.readValue(f.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new InputError(f + ": cannot read trainer state (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
}
