package ai.marft.train;

import java.util.List;

/**
 * What a resumed run needs besides weights and optimizer moments to continue bit-identically: the
 * iterations done (every other random stream is derived from the seed and the iteration), the
 * problem order's position, each environment's episode in flight, and the wall-clock budget spent
 * (seconds of training so far: a time-limited run resumes its budget and its learning-rate schedule
 * where they were).
 */
public record TrainerState(long iteration, long seed, long problemEpoch, int problemPosition, List<ResumableEnv.Snapshot> envs,
                           double budgetSecondsSpent) {}
