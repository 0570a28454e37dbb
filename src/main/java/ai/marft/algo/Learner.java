package ai.marft.algo;

import ai.marft.config.TrainConfig;
import ai.marft.train.Checkpoints;
import ai.marft.train.TrainRun;

import ai.djl.ndarray.NDManager;
import ai.marft.InputError;
import ai.marft.lm.LmEngine;
import ai.marft.mas.Team;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.TeamPolicy;
import ai.marft.rl.AdamW;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@link TrainRun} drives, whatever the algorithm: MARFT-A ({@link AppoTrainer}), MARFT-T
 * ({@link TppoTrainer}) or the critic-free group baseline ({@link GrpoTrainer}). One iteration is
 * {@link #prepare} (values, advantages: once per rollout) then {@link #update} (the epochs).
 *
 * @param <X> the prepared rollout; its arrays belong to the manager given to {@link #prepare}
 */
public interface Learner<X> extends AutoCloseable {
    /** The team acting with the trained adapters. */
    TeamPolicy policy();

    /** Flattens a rollout and computes what the update needs; NDArrays in it belong to {@code m}. */
    X prepare(NDManager m, RolloutBatch b);

    /** The epochs over one prepared rollout at {@code globalStep} (agent schedule, warm-up). */
    UpdateStats update(X prepared, long globalStep, long shuffleSeed);

    /** The optimizer of agent i (acting order). */
    AdamW agentOptimizer(int i);

    AdamW criticOptimizer();

    /** Sets the learning rates of every agent's optimizer and of the critic's. */
    void setLearningRates(double lr, double criticLr);

    /** Writes adapters, critic and optimizer states into {@code dir} (the {@link Checkpoints} layout). */
    void save(Path dir) throws IOException;

    @Override
    void close();

    /** The learner {@code cfg.algorithmName} names (APPO, TPPO, GRPO), fresh from {@code seed} or loaded from {@code checkpoint}. */
    static Learner<?> create(LmEngine engine, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        checkAlgorithm(cfg);
        return switch (cfg.algorithmName) {
            case "TPPO" -> new TppoTrainer(engine, team, cfg, seed, checkpoint);
            case "GRPO" -> new GrpoTrainer(engine, team, cfg, seed, checkpoint);
            default -> new AppoTrainer(engine, team, cfg, seed, checkpoint);
        };
    }

    /**
     * An {@link InputError} unless algorithm_name is APPO, TPPO or GRPO (GRPO: groups of at least 2 that divide
     * n_rollout_threads) and kl_coef is 0 or more (above 0 for APPO only).
     */
    static void checkAlgorithm(TrainConfig cfg) {
        if (!(cfg.klCoef >= 0)) throw new InputError("kl_coef must be 0 or more, got " + cfg.klCoef);
        if (cfg.klCoef > 0 && !"APPO".equals(cfg.algorithmName))
            throw new InputError("kl_coef: the KL-to-base penalty is implemented for APPO only, not " + cfg.algorithmName);
        switch (cfg.algorithmName == null ? "" : cfg.algorithmName) {
            case "APPO", "TPPO" -> { }
            case "GRPO" -> {
                if (cfg.groupSize < 2 || cfg.nRolloutThreads % cfg.groupSize != 0)
                    throw new InputError("GRPO: group_size (" + cfg.groupSize + ") must be at least 2 and divide n_rollout_threads ("
                            + cfg.nRolloutThreads + ")");
            }
            default -> throw new InputError("algorithm_name " + cfg.algorithmName + ": expected APPO (MARFT-A), TPPO (MARFT-T) or GRPO");
        }
    }
}
