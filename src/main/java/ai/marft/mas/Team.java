package ai.marft.mas;

import ai.marft.env.PromptFormat;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A team of agents in acting order (layer by layer of the dependency graph, file order within a
 * layer; for the reference chain this is the file order) with its dependency graph.
 */
public record Team(List<Profile> agents, DependencyGraph graph) {
    public Team {
        agents = List.copyOf(agents);
        if (agents.size() != graph.size()) throw new IllegalArgumentException(agents.size() + " agents but a graph over " + graph.size());
    }

    /** Orders file-order profiles by their dependencies; {@code source} names the file in errors. */
    public static Team of(String source, List<Profile> fileOrder) {
        DependencyGraph.Ordered o = DependencyGraph.resolve(source, fileOrder);
        return new Team(o.agents(), o.graph());
    }

    public int size() {
        return agents.size();
    }

    public Profile agent(int i) {
        return agents.get(i);
    }

    /** Roles in acting order. */
    public List<String> roles() {
        return agents.stream().map(Profile::role).toList();
    }

    /** Which agents are graded, in acting order. */
    public boolean[] withAnswer() {
        boolean[] w = new boolean[agents.size()];
        for (int i = 0; i < w.length; i++) w[i] = agents.get(i).withAnswer();
        return w;
    }

    /**
     * Agent i's prompt within a step (MARFT.md §3): its profile prompt, its observation, the turns of
     * the agents it depends on (acting order) taken from {@code actions}, then its own turn opener.
     *
     * @param actions this step's actions so far, indexed by agent; entries i depends on must be set
     */
    public String prompt(int i, String observation, List<String> actions) {
        List<PromptFormat.Turn> seen = Arrays.stream(graph.dependencies(i))
                .mapToObj(j -> new PromptFormat.Turn(agent(j).role(), Objects.requireNonNull(actions.get(j), "action of agent " + j)))
                .toList();
        return PromptFormat.agentPrompt(agent(i).prompt(), observation, seen, agent(i).role());
    }
}
