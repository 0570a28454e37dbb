package ai.marft.env;

/** One task instance: the problem text shown to the agents and the gold answer the grader compares with. */
public record Problem(String problem, String finalAnswer) {}
