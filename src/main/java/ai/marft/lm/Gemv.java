package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * Single-row matrix-vector product y = W·x straight from a frozen weight's memory, for batch-1 decoding.
 * Why our own: there the whole cost is reading W once, and the library's SGEMV (MKL, one thread) reads
 * it at 10-16 GB/s on the machines we target, well under the memory's 30+ GB/s; four rows at a time
 * with SIMD fused multiply-adds read it at memory speed. W stays where PyTorch keeps it (a direct
 * view of the tensor's buffer, no copy). Sums run in float with 4·lanes partial sums per row, as
 * blocked BLAS kernels do; the test bounds the difference to a float64 reference.
 */
final class Gemv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ROWS = 4; // rows per pass: x is loaded once for four rows of W
    private static final int MIN_ROWS_PER_THREAD = 1024; // below this, starting threads costs more than it saves
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment w;
    private final int out, in;

    private Gemv(MemorySegment w, int out, int in) {
        this.w = w;
        this.out = out;
        this.in = in;
    }

    /**
     * A product over the memory of {@code weight} [out, in] (float32 on the CPU), or null when PyTorch does
     * not hand out its buffer directly (then the caller uses the library's product). The weight must be
     * contiguous, as the model's loaded and fused weights are: for a strided view DJL would hand out the
     * buffer of a temporary contiguous copy instead.
     */
    static Gemv over(NDArray weight) {
        if (weight.getDataType() != DataType.FLOAT32 || weight.getShape().dimension() != 2 || !(weight instanceof PtNDArray pt))
            return null;
        ByteBuffer b = pt.toByteBuffer(true);
        if (!b.isDirect()) return null;
        long out = weight.getShape().get(0), in = weight.getShape().get(1);
        if (b.capacity() != out * in * Float.BYTES) return null;
        return new Gemv(MemorySegment.ofBuffer(b), (int) out, (int) in);
    }

    int rows() {
        return out;
    }

    /** y = W·x, x of length in. */
    float[] times(float[] x) {
        if (x.length != in) throw new IllegalArgumentException("x has " + x.length + " entries, W has " + in + " columns");
        float[] y = new float[out];
        int parts = Math.min(ai.djl.pytorch.jni.JniUtils.getNumThreads(), out / MIN_ROWS_PER_THREAD);
        if (parts <= 1) {
            rows(x, y, 0, out);
        } else { // as many slices as the engine has tensor threads, in blocks of four rows
            int per = (out / parts + ROWS - 1) / ROWS * ROWS;
            IntStream.range(0, parts).parallel().forEach(p -> rows(x, y, Math.min(out, p * per), Math.min(out, (p + 1) * per)));
        }
        return y;
    }

    /** y[from:to] = W[from:to]·x. */
    private void rows(float[] x, float[] y, int from, int to) {
        int full = from + (to - from) / ROWS * ROWS;
        for (int o = from; o < full; o += ROWS) fourRows(x, y, o);
        for (int o = full; o < to; o++) y[o] = oneRow(x, o);
    }

    private void fourRows(float[] x, float[] y, int o) {
        long stride = (long) in * Float.BYTES, r0 = o * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int step = S.length(), bound = S.loopBound(in), i = 0;
        for (; i < bound; i += step) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            long at = (long) i * Float.BYTES;
            a0 = FloatVector.fromMemorySegment(S, w, r0 + at, ByteOrder.LITTLE_ENDIAN).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(S, w, r1 + at, ByteOrder.LITTLE_ENDIAN).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(S, w, r2 + at, ByteOrder.LITTLE_ENDIAN).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(S, w, r3 + at, ByteOrder.LITTLE_ENDIAN).fma(xv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            float xi = x[i];
            s0 += at(r0, i) * xi;
            s1 += at(r1, i) * xi;
            s2 += at(r2, i) * xi;
            s3 += at(r3, i) * xi;
        }
        y[o] = s0;
        y[o + 1] = s1;
        y[o + 2] = s2;
        y[o + 3] = s3;
    }

    private float oneRow(float[] x, int o) {
        long r = o * (long) in * Float.BYTES;
        float s = 0;
        for (int i = 0; i < in; i++) s += at(r, i) * x[i];
        return s;
    }

    private float at(long rowStart, int i) {
        return w.get(FLOAT_LE, rowStart + (long) i * Float.BYTES);
    }
}
