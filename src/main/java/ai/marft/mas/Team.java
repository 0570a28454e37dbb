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

    /** The router's acting index, or -1 when the team has none (a static dependency graph). */
    public int router() {
        for (int i = 0; i < agents.size(); i++) if (agents.get(i).router()) return i;
        return -1;
    }

    /**
     * Whether a router may leave agent i out: i depends on the router, directly or through others (it
     * acts after the route is known). Every other agent acts at every step.
     */
    public boolean routable(int i) {
        int r = router();
        return r >= 0 && i != r && reaches(i, r);
    }

    private boolean reaches(int i, int j) {
        for (int d : graph.dependencies(i)) if (d == j || reaches(d, j)) return true;
        return false;
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
        return prompt(i, observation, actions, new boolean[agents.size()]);
    }

    /**
     * As above; dependencies marked {@code absent} (a router left them out of this step) are not shown,
     * nor is a router's turn: depending on the router orders an agent after the route, and the routing
     * line itself is an instruction to the team, not content (docs/flexmg.md).
     */
    public String prompt(int i, String observation, List<String> actions, boolean[] absent) {
        List<PromptFormat.Turn> seen = Arrays.stream(graph.dependencies(i)).filter(j -> !absent[j] && !agent(j).router())
                .mapToObj(j -> new PromptFormat.Turn(agent(j).role(), Objects.requireNonNull(actions.get(j), "action of agent " + j)))
                .toList();
        return PromptFormat.agentPrompt(agent(i).prompt(), observation, seen, agent(i).role());
    }
}
