package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Tensor-by-number arithmetic that is safe under autograd. DJL's {@code mul(Number)}, {@code div(Number)},
 * {@code pow(Number)} wrap the number in a tensor over a Java direct buffer (see {@link Owned}) and
 * close it at once; autograd keeps that tensor for the backward pass (d(x·c)/dx = c), and a GC between
 * forward and backward frees its memory: the gradient then reads garbage (seen as 1e16 LoRA gradients).
 * Here the number lives in PyTorch-owned memory, which autograd's reference keeps alive. Use these on
 * any tensor that may carry a gradient.
 */
public final class Scalars {
    private Scalars() {}

    /** x · v. */
    public static NDArray mul(NDArray x, double v) {
        try (NDArray s = of(x, v)) {
            return x.mul(s);
        }
    }

    /** x / v. */
    public static NDArray div(NDArray x, double v) {
        try (NDArray s = of(x, v)) {
            return x.div(s);
        }
    }

    /** x ^ v. */
    public static NDArray pow(NDArray x, double v) {
        try (NDArray s = of(x, v)) {
            return x.pow(s);
        }
    }

    /** v as a 0-d tensor of x's type, in PyTorch-owned memory, on x's manager. */
    private static NDArray of(NDArray x, double v) {
        NDManager m = x.getManager();
        return Owned.of(x.getDataType() == DataType.FLOAT64 ? m.create(v) : m.create((float) v).toType(x.getDataType(), false));
    }
}
