package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records operations for backward on the calling thread, as DJL's {@code GradientCollector} does, but
 * one per thread instead of one per process (DJL's refuses a second while one is open anywhere; PyTorch's
 * grad mode is per thread, so independent steps may record side by side). Gradients accumulate into
 * the leaves' {@code .grad}; zero them with {@link Gradients#zero}.
 */
public final class GradScope implements AutoCloseable {
    private final boolean before = JniUtils.isGradMode();

    /** Turns recording on for this thread until {@link #close()}. */
    public GradScope() {
        JniUtils.setGradMode(true);
    }

    /** Backpropagates the scalar {@code loss} (seed gradient one) into every leaf that requires a gradient. */
    public void backward(NDArray loss) {
        try (NDArray one = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) one, false, false);
        }
    }

    /** Restores this thread's recording mode as it was before. */
    @Override
    public void close() {
        JniUtils.setGradMode(before);
    }
}
