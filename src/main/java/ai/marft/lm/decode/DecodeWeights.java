package ai.marft.lm.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.marft.lm.ModelConfig;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The frozen base's weights as memory segments over the tensors' own buffers (no copy), in the fused
 * layout of {@code CausalLm}: per layer q|k|v [qd + 2kd, H], o [H, qd], gate|up [2I, H], down [H, I],
 * all float32 row-major; biases null when the architecture has none; lmHead is embed when tied.
 */
public record DecodeWeights(ModelConfig config, MemorySegment embed, MemorySegment lmHead, MemorySegment finalNorm, Layer[] layers) {
    /** One decoder block's weights. */
    public record Layer(MemorySegment inNorm, MemorySegment qkv, MemorySegment qkvBias, MemorySegment o, MemorySegment oBias,
                        MemorySegment postNorm, MemorySegment gateUp, MemorySegment down) {}

    /**
     * The memory of a contiguous float32 CPU tensor, read in place, or null when PyTorch does not hand
     * out its buffer directly (another device, another type, or a strided view that DJL would copy).
     * The segment is valid while the tensor lives.
     */
    public static MemorySegment of(NDArray a) {
        if (a == null) return null;
        if (a.getDataType() != DataType.FLOAT32 || !(a instanceof PtNDArray pt) || !ai.djl.Device.Type.CPU.equals(a.getDevice().getDeviceType())) return null;
        ByteBuffer b = pt.toByteBuffer(true);
        if (!b.isDirect() || b.capacity() != a.getShape().size() * Float.BYTES) return null;
        return MemorySegment.ofBuffer(b);
    }
}
