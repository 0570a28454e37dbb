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
