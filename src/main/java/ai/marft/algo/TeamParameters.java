package ai.marft.algo;

import ai.marft.InputError;
import ai.marft.config.TrainConfig;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraConfig;
import ai.marft.lm.LoraTarget;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.ValueHead;
import ai.marft.mas.Seeds;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.rl.AdamW;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything an algorithm trains, and its files: per agent a LoRA adapter on its own frozen base
 * (registered in that base's engine under the agent's role, {@link TeamEngines}) with its own AdamW,
 * and the critic ({@link ValueHead} over the critic base's hidden states, no copy of the base) with
 * Adam. Each adapter's adapter_config.json names its base ({@code base_model_name_or_path}). Every
 * algorithm holds one, so a checkpoint of any algorithm loads into the others. Layout inside a
 * checkpoint folder:
 * <pre>
 *   &lt;role&gt;/                       PEFT LoRA adapter per agent (adapter_config.json, adapter_model.safetensors)
 *   value_head.safetensors         the critic's head
 *   optimizer/&lt;role&gt;.safetensors  AdamW moments and step count per agent; optimizer/critic.safetensors
 * </pre>
 */
public final class TeamParameters implements AutoCloseable {
    /** The folder of optimizer states; no role may take this name. */
    public static final String OPTIMIZER = "optimizer";
    private static final String VALUE_HEAD = "value_head.safetensors";

    private final TeamEngines engines;
    private final Team team;
    private final List<String> baseModels;
    private final int contextWindow;
    private final ValueHead critic;
    private final AdamW criticOpt;
    private final List<AdamW> agentOpts = new ArrayList<>();

    /**
     * Fresh adapters and critic drawn from {@code seed} (agent i from {@code mix(seed, i)}, the critic
     * from {@code mix(seed, N)}), or, when {@code checkpoint} is given, those stored there with their
     * optimizer states.
     */
    public TeamParameters(LmEngine engine, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        this(TeamEngines.shared(engine, team.size()), team, cfg, seed, checkpoint);
    }

    /** As above, each agent's adapter on its own base of {@code engines}, the critic on the critic's base. */
    public TeamParameters(TeamEngines engines, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        if (engines.agents() != team.size()) throw new IllegalArgumentException(engines.agents() + " agent engines for " + team.size() + " agents");
        this.engines = engines;
        this.team = team;
        List<String> bases = new ArrayList<>();
        for (int i = 0; i < team.size(); i++) bases.add(team.agent(i).model() != null ? team.agent(i).model() : cfg.modelNameOrPath);
        this.baseModels = java.util.Collections.unmodifiableList(bases); // null where the config names no model (tests)
        // the config's context_window, within every base's own positions
        int window = cfg.contextWindow;
        for (LmEngine e : engines.distinct()) window = Math.min(window, e.model().config().maxPositions());
        this.contextWindow = window;
        LmEngine criticBase = engines.critic();
        int hidden = criticBase.model().config().hidden();
        List<String> roles = team.roles();
        for (String role : roles)
            if (role.equals(OPTIMIZER)) throw new InputError(cfg.profilePath + ": role name '" + role + "' is reserved in checkpoints");
        if (checkpoint == null) {
            LoraConfig lora = new LoraConfig(cfg.loraR, cfg.loraAlpha, cfg.loraTargets.stream().map(LoraTarget::of).toList());
            for (int i = 0; i < roles.size(); i++) {
                if (cfg.loadPath != null) engines.agent(i).adapters().load(roles.get(i), warmStart(Path.of(cfg.loadPath), roles.get(i)));
                else engines.agent(i).adapters().create(roles.get(i), lora, Seeds.mix(seed, i));
            }
            critic = ValueHead.create(criticBase.model().manager(), hidden, Seeds.mix(seed, roles.size()));
        } else {
            for (int i = 0; i < roles.size(); i++) engines.agent(i).adapters().load(roles.get(i), adapterDir(checkpoint, roles.get(i)));
            critic = ValueHead.load(criticBase.model().manager(), hidden, checkpoint.resolve(VALUE_HEAD));
        }
        criticOpt = new AdamW(critic.parameters(), cfg.criticLr, 0.9, 0.999, cfg.optiEps, 0);
        for (int i = 0; i < roles.size(); i++)
            agentOpts.add(new AdamW(engines.agent(i).adapters().get(roles.get(i)).parameters(), cfg.lr, 0.9, 0.999, cfg.optiEps, cfg.weightDecay));
        if (checkpoint != null) {
            criticOpt.load(criticOptimizer(checkpoint));
            for (int i = 0; i < roles.size(); i++) agentOpts.get(i).load(agentOptimizer(checkpoint, roles.get(i)));
        }
    }

    /** The team acting with the trained adapters under {@code sampling}, prompts cut to the context window. */
    public TeamPolicy policy(SamplingParams sampling) {
        return new TeamPolicy(team, engines.generators(), TeamPolicy.roleAdapters(team), sampling, contextWindow);
    }

    /** The same team generating through {@code generator} (e.g. rollout servers; one base only), adapters named after the roles. */
    public TeamPolicy policy(SamplingParams sampling, TextGenerator generator) {
        if (engines.heterogeneous()) throw new IllegalStateException("one generator for a team on several bases");
        return new TeamPolicy(team, generator, TeamPolicy.roleAdapters(team), sampling, contextWindow);
    }

    /** The bases: each agent's engine and the critic's. */
    public TeamEngines engines() {
        return engines;
    }

    public Team team() {
        return team;
    }

    public ValueHead critic() {
        return critic;
    }

    /** The optimizer of agent i (acting order). */
    public AdamW agentOptimizer(int i) {
        return agentOpts.get(i);
    }

    public AdamW criticOptimizer() {
        return criticOpt;
    }

    /** Sets the learning rates of every agent's optimizer and of the critic's. */
    public void setLearningRates(double lr, double criticLr) {
        for (AdamW o : agentOpts) o.setLearningRate(lr);
        criticOpt.setLearningRate(criticLr);
    }

    /** Writes adapters, critic and optimizer states into {@code dir} (layout above). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(OPTIMIZER));
        for (int i = 0; i < team.size(); i++) {
            String role = team.roles().get(i);
            engines.agent(i).adapters().get(role).save(adapterDir(dir, role), baseModels.get(i));
            agentOpts.get(i).save(agentOptimizer(dir, role));
        }
        critic.save(dir.resolve(VALUE_HEAD));
        criticOpt.save(criticOptimizer(dir));
    }

    /** Loads every role's adapter of a checkpoint into {@code engine}, named after the role (evaluation, serving). */
    public static void loadAdapters(LmEngine engine, List<String> roles, Path checkpoint) {
        for (String role : roles) {
            Path dir = adapterDir(checkpoint, role);
            if (!Files.isDirectory(dir)) throw new InputError("checkpoint " + checkpoint + " has no adapter for role '" + role + "'");
            engine.adapters().load(role, dir);
        }
    }

    /**
     * load_path (the reference's flag): a checkpoint's PEFT adapters, one folder per role, as a warm start:
     * the reference's own checkpoints (its value_head.pth and optimizer files are not read) or ours; the
     * critic and optimizers start fresh and the iteration count from 0. {@code --resume} is the exact continuation.
     */
    private static Path warmStart(Path loadPath, String role) {
        Path dir = adapterDir(loadPath, role);
        if (!Files.isRegularFile(dir.resolve("adapter_config.json")))
            throw new InputError("load_path " + loadPath + ": no PEFT adapter for role '" + role + "' (expected " + dir + "/adapter_config.json)");
        return dir;
    }

    /**
     * The base an adapter of a checkpoint belongs to: its adapter_config.json's base_model_name_or_path
     * (as training wrote it; a relative path is from where training ran).
     */
    public static Path adapterBase(Path checkpoint, String role) {
        Path f = adapterDir(checkpoint, role).resolve("adapter_config.json");
        try {
            com.fasterxml.jackson.databind.JsonNode base = ai.marft.Json.MAPPER.readTree(f.toFile()).get("base_model_name_or_path");
            if (base == null || !base.isTextual() || base.asText().isBlank())
                throw new InputError(f + ": field 'base_model_name_or_path' must name the adapter's base model");
            return Path.of(base.asText());
        } catch (IOException e) {
            throw new InputError(f + ": cannot read the adapter's config (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    public static Path adapterDir(Path checkpoint, String role) {
        return checkpoint.resolve(role);
    }

    private static Path criticOptimizer(Path checkpoint) {
        return checkpoint.resolve(OPTIMIZER).resolve("critic.safetensors");
    }

    private static Path agentOptimizer(Path checkpoint, String role) {
        return checkpoint.resolve(OPTIMIZER).resolve(role + ".safetensors");
    }

    @Override
    public void close() {
        for (AdamW o : agentOpts) o.close();
        criticOpt.close();
        critic.close();
    }
}
