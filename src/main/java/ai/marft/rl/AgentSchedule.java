package ai.marft.rl;

/**
 * Agent-by-agent training (MARFT.md §6.4), one rule for both trainers: with interval k > 0 only
 * agent ⌊globalStep / k⌋ mod N is updated at a global step, the others stay frozen; with k = 0
 * every agent is updated at every step. (The reference's token-level trainer adds 1 before the
 * modulo; its action-level trainer does not. We use the action-level rule everywhere.)
 */
public record AgentSchedule(int agents, int interval) {
    public AgentSchedule {
        if (agents < 1) throw new IllegalArgumentException("need at least one agent, got " + agents);
        if (interval < 0) throw new IllegalArgumentException("agent iteration interval must be >= 0, got " + interval);
    }

    /** Whether agent {@code agent} is trained at global step {@code globalStep}. */
    public boolean trains(int agent, long globalStep) {
        if (globalStep < 0) throw new IllegalArgumentException("global step must be >= 0, got " + globalStep);
        return interval == 0 || agent == (int) ((globalStep / interval) % agents);
    }

    /** The agents trained at global step {@code globalStep}, in acting order. */
    public int[] trainedAgents(long globalStep) {
        return java.util.stream.IntStream.range(0, agents).filter(i -> trains(i, globalStep)).toArray();
    }
}
