package ai.marft.lm;

import ai.djl.ndarray.NDArray;

/**
 * Copies an array made from Java data into memory that PyTorch owns. DJL's {@code NDManager.create}
 * wraps a direct ByteBuffer without copying (torch::from_blob) and only the Java wrapper keeps that
 * buffer alive; PyTorch does not know of it. Anything PyTorch keeps past the wrapper's life (a view,
 * a tensor autograd saved, an alias from {@code toType}) then reads memory the GC has freed: this
 * showed as garbage LoRA gradients once a GC ran between iterations. Every array our code makes from
 * Java data goes through here.
 */
public final class Owned {
    private Owned() {}

    /** A PyTorch-owned copy of {@code fromJava} (same manager); {@code fromJava} is closed. */
    public static NDArray of(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }
}
