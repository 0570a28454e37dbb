package ai.marft.serve;

import ai.marft.Json;
import ai.marft.algo.TeamEngines;
import ai.marft.mas.AgentGenerators;
import ai.marft.mas.AgentStep;
import ai.marft.env.PromptFormat;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The trained team served as one model ({@code "team"}): a question is the state an environment
 * resets to ({@link PromptFormat#initialState}); the agents act once, layer by layer, each with its
 * adapter and profile prompt (one Flex-MG joint step, {@link TeamPolicy}); the answer is the last
 * agent's action and every agent's turn is returned as the transcript. Agents on another base than
 * the server's generate on that base ({@link TeamBases}).
 */
public final class TeamModel {
    public static final String NAME = "team";

    private final Team team;
    private final List<String> adapters;
    private final TeamCheckpoint checkpoint;
    private final List<Path> bases;
    private final Random seeds = new Random();

    /**
     * The team of {@code checkpoint}, each agent with its adapter served as {@link #adapterName}(role)
     * on its own base ({@code bases}, acting order; Flex-MG agents may sit on different base models).
     */
    public TeamModel(Team team, TeamCheckpoint checkpoint, List<Path> bases) {
        if (bases.size() != team.size()) throw new IllegalArgumentException(bases.size() + " bases for " + team.size() + " agents");
        this.team = team;
        this.adapters = team.roles().stream().map(TeamModel::adapterName).toList();
        this.checkpoint = checkpoint;
        this.bases = bases.stream().map(b -> b.toAbsolutePath().normalize()).toList();
    }

    /**
     * The team of {@code checkpoint} on the bases {@code marft eval --checkpoint} rebuilds it on
     * ({@link TeamEngines#basesOf(Team, Path, Path)}): each agent on the base its adapter recorded where
     * that is a model folder here, else on its profile's {@code model}, else on {@code model}; with
     * {@code modelGiven} (--model replaces the run's model) the recorded bases are not read.
     */
    public static TeamModel of(Team team, TeamCheckpoint checkpoint, Path model, boolean modelGiven) {
        for (String role : team.roles()) checkpoint.adapter(role); // one line for a missing folder
        return new TeamModel(team, checkpoint, TeamEngines.basesOf(team, model, modelGiven ? null : checkpoint.dir()));
    }

    /** Served adapter names for a checkpoint's roles (kept apart from --adapter names). */
    public static String adapterName(String role) {
        return NAME + "/" + role;
    }

    /** Agent i's base folder (acting order, absolute). */
    public Path base(int i) {
        return bases.get(i);
    }

    public Team team() {
        return team;
    }

    public TeamCheckpoint checkpoint() {
        return checkpoint;
    }

    /** One step's turns of every agent, acting order. */
    public record Answer(AgentStep[] turns, List<String> roles) {
        /** The turns of the agents that acted, in acting order (a router may have left some out). */
        public List<AgentStep> acted() {
            return java.util.Arrays.stream(turns).filter(java.util.Objects::nonNull).toList();
        }

        /** The last agent that acted (a router may have left later ones out). */
        public AgentStep last() {
            for (int i = turns.length - 1; i >= 0; i--) if (turns[i] != null) return turns[i];
            throw new IllegalStateException("no agent acted");
        }

        /** {@code [{role, action, token_ids, ended_with_eos}]} in acting order. */
        public ArrayNode transcript() {
            ArrayNode a = Json.MAPPER.createArrayNode();
            for (int i = 0; i < turns.length; i++) {
                if (turns[i] == null) continue; // a router left this agent out
                var t = a.addObject().put("role", roles.get(i)).put("action", turns[i].actionText());
                ArrayNode ids = t.putArray("token_ids");
                for (int id : turns[i].actionTokens()) ids.add(id);
                t.put("ended_with_eos", turns[i].endedWithEos());
            }
            return a;
        }
    }

    /**
     * Runs every question (each {@code s.n()} times, question-major) through one team step, all in one
     * rollout, each agent generating through its base's generator ({@code generators}, acting order).
     */
    public List<Answer> answer(AgentGenerators generators, List<String> questions, Sampling s) {
        List<List<String>> observations = new ArrayList<>();
        for (String q : questions)
            for (int k = 0; k < s.n(); k++) observations.add(Collections.nCopies(team.size(), PromptFormat.initialState(q)));
        long seed = s.seed() != null ? s.seed() : seeds.nextLong();
        AgentStep[][] steps = new TeamPolicy(team, generators, adapters, s.params(), Integer.MAX_VALUE).act(observations, seed);
        List<Answer> out = new ArrayList<>();
        for (AgentStep[] e : steps) out.add(new Answer(e, team.roles()));
        return out;
    }
}
