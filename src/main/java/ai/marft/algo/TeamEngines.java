package ai.marft.algo;

import ai.marft.InputError;
import ai.marft.lm.LmEngine;
import ai.marft.mas.AgentGenerators;
import ai.marft.mas.Team;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frozen base models of a (possibly heterogeneous) team: one {@link LmEngine} per distinct base
 * folder, loaded once, each agent's adapter living on its own base's engine, and the base the critic
 * reads ({@code critic_model}; default the first agent's). A single-base team is one engine for all.
 */
public final class TeamEngines implements AutoCloseable {
    /** The files that make two bases' token ids interchangeable. */
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json");

    private final List<Path> baseOfAgent;
    private final Path criticBase;
    private final Map<Path, LmEngine> engines;
    private final boolean owned;

    private TeamEngines(List<Path> baseOfAgent, Path criticBase, Map<Path, LmEngine> engines, boolean owned) {
        this.baseOfAgent = List.copyOf(baseOfAgent);
        this.criticBase = criticBase;
        this.engines = Collections.unmodifiableMap(engines);
        this.owned = owned;
    }

    /** One engine for every agent and the critic; closing this leaves the engine open (its owner closes it). */
    public static TeamEngines shared(LmEngine engine, int agents) {
        Path only = Path.of("");
        Map<Path, LmEngine> m = new LinkedHashMap<>();
        m.put(only, engine);
        return new TeamEngines(Collections.nCopies(agents, only), only, m, false);
    }

    /** Each agent's base folder, acting order: its profile's {@code model}, else {@code defaultModel}. */
    public static List<Path> basesOf(Team team, Path defaultModel) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < team.size(); i++) {
            String m = team.agent(i).model();
            if (m == null && defaultModel == null)
                throw new InputError("agent '" + team.agent(i).role() + "' names no model and the run has no model_name_or_path");
            out.add(canonical(m != null ? Path.of(m) : defaultModel));
        }
        return out;
    }

    /**
     * Each agent's base for a checkpoint's team (how {@code marft eval} and {@code marft serve} rebuild
     * it): the base its adapter recorded (adapter_config.json's base_model_name_or_path) where that is a
     * model folder here, else {@link #basesOf}(team, defaultModel) (a label or hub id recorded by other
     * tools). {@code checkpoint} null (e.g. {@code --model} replaces the run's model): basesOf alone.
     */
    public static List<Path> basesOf(Team team, Path defaultModel, Path checkpoint) {
        List<Path> configured = basesOf(team, defaultModel);
        if (checkpoint == null) return configured;
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < team.size(); i++) {
            String role = team.agent(i).role();
            if (!Files.isDirectory(TeamParameters.adapterDir(checkpoint, role)))
                throw new InputError("checkpoint " + checkpoint + " has no adapter for role '" + role + "'");
            Path recorded = TeamParameters.adapterBase(checkpoint, role);
            out.add(Files.isRegularFile(recorded.resolve("config.json")) ? canonical(recorded) : configured.get(i));
        }
        return out;
    }

    /**
     * Loads each distinct base of {@code baseOfAgent} and {@code criticBase} (null: the first agent's)
     * once; everything loaded is closed again when one load fails.
     */
    public static TeamEngines load(List<Path> baseOfAgent, Path criticBase) {
        return load(baseOfAgent, criticBase, ai.djl.Device.cpu());
    }

    /** As above, every base on {@code device}. */
    public static TeamEngines load(List<Path> baseOfAgent, Path criticBase, ai.djl.Device device) {
        List<Path> bases = baseOfAgent.stream().map(TeamEngines::canonical).toList();
        Path critic = criticBase == null ? bases.getFirst() : canonical(criticBase);
        Map<Path, LmEngine> m = new LinkedHashMap<>();
        try {
            for (Path b : bases) if (!m.containsKey(b)) m.put(b, LmEngine.load(b, device));
            if (!m.containsKey(critic)) m.put(critic, LmEngine.load(critic, device));
        } catch (RuntimeException e) {
            m.values().forEach(LmEngine::close);
            throw e;
        }
        return new TeamEngines(bases, critic, m, true);
    }

    /** The engine of agent i (acting order): where its adapter lives and what scores its actions. */
    public LmEngine agent(int i) {
        return engines.get(baseOfAgent.get(i));
    }

    /** The engine whose frozen hidden states the critic reads. */
    public LmEngine critic() {
        return engines.get(criticBase);
    }

    /** Agent i's base folder (the empty path for a shared engine). */
    public Path base(int i) {
        return baseOfAgent.get(i);
    }

    public Path criticBase() {
        return criticBase;
    }

    /** Distinct engines, in order of first appearance (agents, then the critic). */
    public List<LmEngine> distinct() {
        return List.copyOf(engines.values());
    }

    public int agents() {
        return baseOfAgent.size();
    }

    /** Whether the agents act on more than one base. */
    public boolean heterogeneous() {
        return baseOfAgent.stream().distinct().count() > 1;
    }

    /** The agents' generators and the critic's tokenizer for {@link ai.marft.mas.TeamPolicy}. */
    public AgentGenerators generators() {
        List<LmEngine> perAgent = new ArrayList<>();
        for (int i = 0; i < agents(); i++) perAgent.add(agent(i));
        return new AgentGenerators(perAgent, critic());
    }

    /**
     * Whether agent i's token ids mean the same to the critic's base: the same base, or bases whose
     * tokenizer files are byte-identical: MARFT-T's critic then reads the agent's action ids as they are,
     * else its action text through {@link TokenAlignment}.
     */
    public boolean sharesCriticTokenizer(int i) {
        Path a = baseOfAgent.get(i);
        if (a.equals(criticBase)) return true;
        for (String f : TOKENIZER_FILES) if (!sameBytes(a.resolve(f), criticBase.resolve(f))) return false;
        return true;
    }

    /** {@link #sharesCriticTokenizer} of every agent, acting order. */
    public boolean[] sharingCriticTokenizer() {
        boolean[] out = new boolean[agents()];
        for (int i = 0; i < out.length; i++) out[i] = sharesCriticTokenizer(i);
        return out;
    }

    private static boolean sameBytes(Path x, Path y) {
        try {
            boolean ex = Files.exists(x), ey = Files.exists(y);
            if (!ex || !ey) return ex == ey;
            return Arrays.equals(Files.readAllBytes(x), Files.readAllBytes(y));
        } catch (IOException e) {
            throw new UncheckedIOException("comparing " + x + " with " + y, e);
        }
    }

    private static Path canonical(Path p) {
        return p.toAbsolutePath().normalize();
    }

    @Override
    public void close() {
        if (owned) engines.values().forEach(LmEngine::close);
    }
}
