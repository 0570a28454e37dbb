package ai.marft.serve;

import ai.marft.Json;
import ai.marft.lm.TextGenerator;
import ai.marft.mas.AgentStep;
import ai.marft.env.PromptFormat;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The trained team served as one model ({@code "team"}): a question is the state an environment
 * resets to ({@link PromptFormat#initialState}); the agents act once, layer by layer, each with its
 * adapter and profile prompt (one Flex-MG joint step, {@link TeamPolicy}); the answer is the last
 * agent's action and every agent's turn is returned as the transcript.
 */
public final class TeamModel {
    public static final String NAME = "team";

    private final Team team;
    private final List<String> adapters;
    private final TeamCheckpoint checkpoint;
    private final Random seeds = new Random();

    /** The team of {@code checkpoint}, each agent with its adapter served as {@link #adapterName}(role). */
    public TeamModel(Team team, TeamCheckpoint checkpoint) {
        this.team = team;
        this.adapters = team.roles().stream().map(TeamModel::adapterName).toList();
        this.checkpoint = checkpoint;
    }

    /** Served adapter names for a checkpoint's roles (kept apart from --adapter names). */
    public static String adapterName(String role) {
        return NAME + "/" + role;
    }

    /** Served adapter name -> the checkpoint's PEFT folder, for every agent. */
    public java.util.Map<String, java.nio.file.Path> adapterDirs() {
        java.util.Map<String, java.nio.file.Path> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < team.size(); i++) m.put(adapters.get(i), checkpoint.adapter(team.agent(i).role()));
        return m;
    }

    public Team team() {
        return team;
    }

    public TeamCheckpoint checkpoint() {
        return checkpoint;
    }

    /** One step's turns of every agent, acting order. */
    public record Answer(AgentStep[] turns, List<String> roles) {
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

    /** Runs every question (each {@code s.n()} times, question-major) through one team step, all in one rollout. */
    public List<Answer> answer(TextGenerator generator, List<String> questions, Sampling s) {
        List<List<String>> observations = new ArrayList<>();
        for (String q : questions)
            for (int k = 0; k < s.n(); k++) observations.add(Collections.nCopies(team.size(), PromptFormat.initialState(q)));
        long seed = s.seed() != null ? s.seed() : seeds.nextLong();
        AgentStep[][] steps = new TeamPolicy(team, generator, adapters, s.params()).act(observations, seed);
        List<Answer> out = new ArrayList<>();
        for (AgentStep[] e : steps) out.add(new Answer(e, team.roles()));
        return out;
    }
}
