package ai.marft.train;

import ai.marft.config.TrainConfig;
import ai.marft.lm.LmEngine;
import ai.marft.lm.TextGenerator;
import ai.marft.serve.AdapterSync;
import ai.marft.serve.RemoteGenerator;
import ai.marft.serve.RescoringGenerator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where a training run's rollouts are generated ({@code rollout_backend}): this JVM's engine, or
 * OpenAI-compatible servers (marft serve, vLLM). With servers, before each rollout every agent's
 * adapter is published as {@code role@iteration} under {@code adapter_sync_dir} and loaded by every
 * server; the servers return sampled ids, and the trainer re-scores them with its own engine, so the
 * behaviour log-probs (and the first PPO ratios) never depend on the servers' numerics.
 */
final class RolloutBackend {
    private final TextGenerator generator;
    private final RemoteGenerator remote;
    private final AdapterSync sync;

    private RolloutBackend(TextGenerator generator, RemoteGenerator remote, AdapterSync sync) {
        this.generator = generator;
        this.remote = remote;
        this.sync = sync;
    }

    static RolloutBackend of(TrainConfig cfg, LmEngine engine) {
        if (!"openai".equals(cfg.rolloutBackend)) return new RolloutBackend(engine, null, null);
        List<URI> servers = cfg.rolloutServers.stream().map(URI::create).toList();
        Duration timeout = Duration.ofMillis((long) (cfg.rolloutTimeoutS * 1000));
        RemoteGenerator remote = new RemoteGenerator(servers, RemoteGenerator.baseModelOf(servers.getFirst(), timeout), engine.tokenizer(), timeout);
        AdapterSync sync = new AdapterSync(Path.of(cfg.adapterSyncDir), servers, cfg.modelNameOrPath, timeout);
        return new RolloutBackend(new RescoringGenerator(remote, engine), remote, sync);
    }

    /** What the rollout generates with. */
    TextGenerator generator() {
        return generator;
    }

    /** Before the rollout after {@code iteration} updates: the servers get the current adapters. */
    void beforeRollout(LmEngine engine, List<String> roles, long iteration) {
        if (sync != null) remote.route(sync.publish(engine.adapters(), roles, iteration));
    }
}
