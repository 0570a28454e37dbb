package ai.marft.algo;

import ai.djl.ndarray.NDManager;
import ai.marft.config.TrainConfig;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;

import java.nio.file.Path;

/**
 * What the training loop drives, whatever the algorithm: MARFT-A ({@link Appo}), MARFT-T
 * ({@link Tppo}) or the critic-free group baseline ({@link Grpo}). One iteration is {@link #prepare}
 * (values, advantages: once per rollout) then {@link #update} (the PPO epochs, {@link PpoUpdate}).
 * All three hold the same {@link TeamParameters}.
 */
public interface Algorithm extends AutoCloseable {
    /** Flattens a rollout and computes what the update needs; NDArrays in it belong to {@code m}. */
    Experience prepare(NDManager m, RolloutBatch b);

    /** The epochs over one prepared rollout at {@code globalStep} (agent schedule, warm-up). */
    UpdateStats update(Experience x, long globalStep, long shuffleSeed);

    /** Adapters, critic, optimizers. */
    TeamParameters parameters();

    /** The team acting with the trained adapters under the rollout's sampling. */
    TeamPolicy policy();

    @Override
    default void close() {
        parameters().close();
    }

    /** The rollout's sampling, also the distribution training log-probs are taken under. */
    static SamplingParams samplingParams(TrainConfig cfg) {
        return new SamplingParams(cfg.maxNewTokens, cfg.temperature, cfg.topK, cfg.topP);
    }

    /** The algorithm {@code cfg.algorithmName} names (APPO, TPPO, GRPO), fresh from {@code seed} or loaded from {@code checkpoint}. */
    static Algorithm create(LmEngine engine, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        return create(TeamEngines.shared(engine, team.size()), team, cfg, seed, checkpoint);
    }

    /** As above for a team whose agents may sit on different bases ({@link TeamEngines}). */
    static Algorithm create(TeamEngines engines, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        TeamParameters params = new TeamParameters(engines, team, cfg, seed, checkpoint);
        return switch (cfg.algorithmName) {
            case "TPPO" -> new Tppo(params, cfg);
            case "GRPO" -> new Grpo(params, cfg, new PpoUpdate(params, cfg));
            default -> new Appo(params, cfg);
        };
    }
}
