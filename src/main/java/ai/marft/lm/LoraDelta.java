package ai.marft.lm;

import ai.djl.ndarray.NDArray;

/** What LoRA adds to the output of a targeted linear layer during a forward pass (none: returns {@code out}). */
public interface LoraDelta {
    /** {@code out + scaling · (in Aᵀ) Bᵀ} for the adapter(s) of this pass, or {@code out} if layer/target is not adapted. */
    NDArray apply(int layer, LoraTarget target, NDArray in, NDArray out);

    /** No adapter. */
    LoraDelta NONE = (layer, target, in, out) -> out;
}
