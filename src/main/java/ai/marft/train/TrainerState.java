package ai.marft.train;

import java.util.List;

/**
 * What a resumed run needs besides weights and optimizer moments to continue bit-identically: the
 * iterations done (every other random stream is derived from the seed and the iteration), the
 * problem order's position, and each environment's episode in flight.
 */
public record TrainerState(long iteration, long seed, long problemEpoch, int problemPosition, List<ResumableEnv.Snapshot> envs) {}
