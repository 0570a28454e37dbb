package ai.marft.eval;

import ai.marft.InputError;

/**
 * How {@link Evaluator} runs.
 *
 * @param problems  how many problems, from the start of the dataset (N)
 * @param samples   episodes per problem (K); with temperature 0 they only differ through batching
 * @param seed      round r's generate calls are seeded from {@code Seeds.mix(seed, r)}
 * @param horizon   joint steps per episode; 1 (the default) is one attempt, the honest measure: with
 *                  more, the judge (who knows the gold answer) tells the team it was wrong and it tries again
 * @param batchSize most rows in one generate call; episodes in flight = batchSize / widest layer
 */
public record EvaluatorOptions(int problems, int samples, long seed, int horizon, int batchSize) {
    public static final int DEFAULT_BATCH = 32;

    public EvaluatorOptions {
        if (problems < 1) throw new InputError("number of problems must be at least 1, got " + problems);
        if (samples < 1) throw new InputError("samples per problem must be at least 1, got " + samples);
        if (horizon < 1) throw new InputError("horizon must be at least 1, got " + horizon);
        if (batchSize < 1) throw new InputError("batch size must be at least 1, got " + batchSize);
    }

    /** N problems, one sample each, seed 0, horizon 1, batches of {@value #DEFAULT_BATCH}. */
    public static EvaluatorOptions of(int problems) {
        return new EvaluatorOptions(problems, 1, 0, 1, DEFAULT_BATCH);
    }
}
