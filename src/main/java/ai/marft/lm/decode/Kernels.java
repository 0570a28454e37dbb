package ai.marft.lm.decode;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The fused decoder's SIMD kernels (Vector API): a product of a few activation rows with a frozen weight
 * read in place, RMSNorm, SwiGLU and small dot products. Sums run in float with lane-wise partial sums,
 * as blocked BLAS kernels do; tests bound the difference to the tensor library's forward.
 */
final class Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final int LANES = S.length();

    static {
        if (LANES > 16) throw new IllegalStateException(LANES + " float lanes: the kernels' scratch holds 16");
    }

    private Kernels() {}

    /**
     * The lanes of accumulator k (stored by the caller at lanes[k·LANES ...]) summed in one fixed order.
     * Why not reduceLanes(ADD): its float order is left to the implementation, and compiled and
     * interpreted code differ in the last bit, so the same seed gave different log-probs from call to call.
     * Why through an array: a vector passed to a method the JIT does not inline is boxed (heap garbage per
     * call); stores and loads of the array are intrinsics, always inlined.
     */
    static float sumLanes(float[] lanes, int k) {
        float s = 0;
        for (int j = k * LANES, e = j + LANES; j < e; j++) s += lanes[j];
        return s;
    }

    /** Floats of scratch each caller of {@link #matmul} passes (one array per thread): twelve accumulators of up to 16 lanes. */
    static final int SCRATCH = 12 * 16;

    /**
     * y[r·yStride + yOff + o] = Σ_i x[xOff + r·in + i] · W[o, i] for rows r in [0, rows) and outputs o in [o0, o1)
     * of W [out, in] (float32, row-major, little-endian). Four weight rows times three activation rows per
     * pass (then two, one): each weight vector loaded feeds three FMAs, each activation vector four, and
     * the four weight rows stay in cache while every activation row passes over them. A row's sums run in
     * the same order whichever pass computes it, so its numbers do not depend on its batch.
     */
    static void matmul(MemorySegment w, int in, float[] x, int xOff, int rows, float[] y, int yOff, int yStride, int o0, int o1, float[] lanes) {
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            int r = 0;
            for (; r + 3 <= rows; r += 3) fourByThree(w, in, x, xOff + r * in, y, yOff + r * yStride + o, yStride, o, lanes);
            for (; r + 2 <= rows; r += 2) fourByTwo(w, in, x, xOff + r * in, y, yOff + r * yStride + o, yStride, o, lanes);
            if (r < rows) fourByOne(w, in, x, xOff + r * in, y, yOff + r * yStride + o, o, lanes);
        }
        for (; o < o1; o++)
            for (int r = 0; r < rows; r++) y[yOff + r * yStride + o] = dot(w, (long) o * in, x, xOff + r * in, in, lanes);
    }

    /** Outputs per panel of a packed weight ({@link #pack}): the four vectors of outputs a block of {@link #matmulPacked} reads. */
    static final int PANEL = 4 * LANES;

    /**
     * The same product as {@link #matmul} over a packed heap copy of W ({@link #pack}): four activation
     * rows times four vectors of outputs per pass (sixteen independent accumulators, each weight vector
     * loaded feeding four FMAs, each broadcast activation four), then one row times two panels (eight
     * independent chains, so a single row does not wait on one FMA's latency). No lane sums, and the panel
     * a block reads lies in one run of memory (in · PANEL floats), so at sixteen rows it stays in cache
     * while four row blocks pass over it and at one row it streams like the weight read in place. Why it
     * exists: measured against {@link #matmul} in one process, one thread (2026-12-02, AVX-512): on the
     * embedded model's weights 1.2-1.9x at one row and 2.4-5.6x at sixteen; on the Qwen2.5-0.5B shape's
     * (4-545 MB) 0.76-1.1x at one row, where both read memory at its rate, and 1.2-2.3x at sixteen
     * (docs/engine.md). Each output is one chain of fused multiply-adds over i = 0, 1, ... (vector lanes and
     * scalar tail alike), so its number depends neither on the rows nor on the output range a pass covers.
     */
    static void matmulPacked(float[] wp, int in, int out, float[] x, int xOff, int rows, float[] y, int yOff, int yStride, int o0, int o1) {
        int blocks = rows / 4 * 4; // rows in four-row blocks; the rest go one by one
        for (int p0 = o0 / PANEL * PANEL; p0 < o1; ) {
            if (blocks < rows && p0 >= o0 && p0 + 2 * PANEL <= o1) { // two whole panels: single rows on eight chains
                panel(wp, p0 * in, in, PANEL, x, xOff, blocks, y, yOff + p0, yStride, 0, PANEL);
                panel(wp, (p0 + PANEL) * in, in, PANEL, x, xOff, blocks, y, yOff + p0 + PANEL, yStride, 0, PANEL);
                for (int r = blocks; r < rows; r++) tOneByEight(wp, p0 * in, in, x, xOff + r * in, y, yOff + r * yStride + p0);
                p0 += 2 * PANEL;
            } else {
                int width = Math.min(PANEL, out - p0);
                panel(wp, p0 * in, in, width, x, xOff, rows, y, yOff + p0, yStride, Math.max(o0 - p0, 0), Math.min(o1 - p0, width));
                p0 += PANEL;
            }
        }
    }

    /**
     * One row times two whole panels from wp[a]: eight independent chains, as many as keep two FMA units
     * busy at four cycles' latency (Zen 5; {@link #tOneByFour}'s four left the batch-1 decode of the
     * Qwen2.5-0.5B shape at 0.68x of the in-place kernel, 2026-12-02).
     */
    private static void tOneByEight(float[] wp, int a, int in, float[] x, int xa, float[] y, int ya) {
        int n = LANES, b = a + PANEL * in;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int i = 0; i < in; i++, a += PANEL, b += PANEL) {
            FloatVector v = FloatVector.broadcast(S, x[xa + i]);
            a0 = FloatVector.fromArray(S, wp, a).fma(v, a0);
            a1 = FloatVector.fromArray(S, wp, a + n).fma(v, a1);
            a2 = FloatVector.fromArray(S, wp, a + 2 * n).fma(v, a2);
            a3 = FloatVector.fromArray(S, wp, a + 3 * n).fma(v, a3);
            b0 = FloatVector.fromArray(S, wp, b).fma(v, b0);
            b1 = FloatVector.fromArray(S, wp, b + n).fma(v, b1);
            b2 = FloatVector.fromArray(S, wp, b + 2 * n).fma(v, b2);
            b3 = FloatVector.fromArray(S, wp, b + 3 * n).fma(v, b3);
        }
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + n);
        a2.intoArray(y, ya + 2 * n);
        a3.intoArray(y, ya + 3 * n);
        b0.intoArray(y, ya + PANEL);
        b1.intoArray(y, ya + PANEL + n);
        b2.intoArray(y, ya + PANEL + 2 * n);
        b3.intoArray(y, ya + PANEL + 3 * n);
    }

    /** Outputs [o0, o1) of one panel: wt [in, width] from wt[base]. */
    private static void panel(float[] wt, int base, int in, int out, float[] x, int xOff, int rows, float[] y, int yOff, int yStride, int o0, int o1) {
        int block = 4 * LANES, o = o0;
        for (; o + block <= o1; o += block) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) tFourByFour(wt, in, out, x, xOff + r * in, y, yOff + r * yStride + o, yStride, base + o);
            for (; r < rows; r++) tOneByFour(wt, in, out, x, xOff + r * in, y, yOff + r * yStride + o, base + o);
        }
        for (; o + LANES <= o1; o += LANES)
            for (int r = 0; r < rows; r++) tOneByOne(wt, in, out, x, xOff + r * in, y, yOff + r * yStride + o, base + o);
        for (; o < o1; o++)
            for (int r = 0; r < rows; r++) {
                float acc = 0;
                for (int i = 0, xa = xOff + r * in, at = base + o; i < in; i++, at += out) acc = Math.fma(wt[at], x[xa + i], acc);
                y[yOff + r * yStride + o] = acc;
            }
    }

    /**
     * W [out, in] (a float32 segment, row-major, little-endian) packed for {@link #matmulPacked}: panels of
     * {@link #PANEL} outputs one after another, each transposed ([in, width], width PANEL but for the last).
     * Null when it would not fit one Java array.
     */
    static float[] pack(MemorySegment w, int out, int in) {
        if ((long) out * in > Integer.MAX_VALUE - 8) return null;
        float[] p = new float[out * in], row = new float[in];
        for (int o = 0; o < out; o++) {
            int p0 = o / PANEL * PANEL, width = Math.min(PANEL, out - p0), at = p0 * in + (o - p0);
            MemorySegment.copy(w, FLOAT_LE, (long) o * in * Float.BYTES, row, 0, in);
            for (int i = 0; i < in; i++, at += width) p[at] = row[i];
        }
        return p;
    }

    /** Rows xa..xd (four, {@code in} apart) times four output vectors: sixteen accumulators written out by hand so they stay in registers (arrays of vectors would not). */
    private static void tFourByFour(float[] wt, int in, int out, float[] x, int xa, float[] y, int ya, int yStride, int o) {
        int n = LANES, xb = xa + in, xc = xb + in, xd = xc + in;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
        for (int i = 0, at = o; i < in; i++, at += out) {
            FloatVector w0 = FloatVector.fromArray(S, wt, at), w1 = FloatVector.fromArray(S, wt, at + n);
            FloatVector w2 = FloatVector.fromArray(S, wt, at + 2 * n), w3 = FloatVector.fromArray(S, wt, at + 3 * n);
            FloatVector v = FloatVector.broadcast(S, x[xa + i]);
            a0 = w0.fma(v, a0);
            a1 = w1.fma(v, a1);
            a2 = w2.fma(v, a2);
            a3 = w3.fma(v, a3);
            v = FloatVector.broadcast(S, x[xb + i]);
            b0 = w0.fma(v, b0);
            b1 = w1.fma(v, b1);
            b2 = w2.fma(v, b2);
            b3 = w3.fma(v, b3);
            v = FloatVector.broadcast(S, x[xc + i]);
            c0 = w0.fma(v, c0);
            c1 = w1.fma(v, c1);
            c2 = w2.fma(v, c2);
            c3 = w3.fma(v, c3);
            v = FloatVector.broadcast(S, x[xd + i]);
            d0 = w0.fma(v, d0);
            d1 = w1.fma(v, d1);
            d2 = w2.fma(v, d2);
            d3 = w3.fma(v, d3);
        }
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + n);
        a2.intoArray(y, ya + 2 * n);
        a3.intoArray(y, ya + 3 * n);
        int yb = ya + yStride, yc = yb + yStride, yd = yc + yStride;
        b0.intoArray(y, yb);
        b1.intoArray(y, yb + n);
        b2.intoArray(y, yb + 2 * n);
        b3.intoArray(y, yb + 3 * n);
        c0.intoArray(y, yc);
        c1.intoArray(y, yc + n);
        c2.intoArray(y, yc + 2 * n);
        c3.intoArray(y, yc + 3 * n);
        d0.intoArray(y, yd);
        d1.intoArray(y, yd + n);
        d2.intoArray(y, yd + 2 * n);
        d3.intoArray(y, yd + 3 * n);
    }

    private static void tOneByFour(float[] wt, int in, int out, float[] x, int xa, float[] y, int ya, int o) {
        int n = LANES;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0, at = o; i < in; i++, at += out) {
            FloatVector v = FloatVector.broadcast(S, x[xa + i]);
            a0 = FloatVector.fromArray(S, wt, at).fma(v, a0);
            a1 = FloatVector.fromArray(S, wt, at + n).fma(v, a1);
            a2 = FloatVector.fromArray(S, wt, at + 2 * n).fma(v, a2);
            a3 = FloatVector.fromArray(S, wt, at + 3 * n).fma(v, a3);
        }
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + n);
        a2.intoArray(y, ya + 2 * n);
        a3.intoArray(y, ya + 3 * n);
    }

    private static void tOneByOne(float[] wt, int in, int out, float[] x, int xa, float[] y, int ya, int o) {
        FloatVector a0 = FloatVector.zero(S);
        for (int i = 0, at = o; i < in; i++, at += out) a0 = FloatVector.fromArray(S, wt, at).fma(FloatVector.broadcast(S, x[xa + i]), a0);
        a0.intoArray(y, ya);
    }

    /** Four weight rows times three activation rows: twelve accumulators, seven loads per twelve FMAs. */
    private static void fourByThree(MemorySegment w, int in, float[] x, int xa, float[] y, int ya, int yStride, int o, float[] lanes) {
        long stride = (long) in * Float.BYTES, r0 = o * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
        int xb = xa + in, xc = xb + in;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        int step = S.length(), bound = S.loopBound(in), i = 0;
        for (; i < bound; i += step) {
            long at = (long) i * Float.BYTES;
            FloatVector xv = FloatVector.fromArray(S, x, xa + i), xw = FloatVector.fromArray(S, x, xb + i), xz = FloatVector.fromArray(S, x, xc + i);
            FloatVector w0 = FloatVector.fromMemorySegment(S, w, r0 + at, LE);
            a0 = w0.fma(xv, a0);
            b0 = w0.fma(xw, b0);
            c0 = w0.fma(xz, c0);
            FloatVector w1 = FloatVector.fromMemorySegment(S, w, r1 + at, LE);
            a1 = w1.fma(xv, a1);
            b1 = w1.fma(xw, b1);
            c1 = w1.fma(xz, c1);
            FloatVector w2 = FloatVector.fromMemorySegment(S, w, r2 + at, LE);
            a2 = w2.fma(xv, a2);
            b2 = w2.fma(xw, b2);
            c2 = w2.fma(xz, c2);
            FloatVector w3 = FloatVector.fromMemorySegment(S, w, r3 + at, LE);
            a3 = w3.fma(xv, a3);
            b3 = w3.fma(xw, b3);
            c3 = w3.fma(xz, c3);
        }
        int n = LANES;
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, n);
        a2.intoArray(lanes, 2 * n);
        a3.intoArray(lanes, 3 * n);
        b0.intoArray(lanes, 4 * n);
        b1.intoArray(lanes, 5 * n);
        b2.intoArray(lanes, 6 * n);
        b3.intoArray(lanes, 7 * n);
        c0.intoArray(lanes, 8 * n);
        c1.intoArray(lanes, 9 * n);
        c2.intoArray(lanes, 10 * n);
        c3.intoArray(lanes, 11 * n);
        for (int k = 0; k < 3; k++) {
            int xk = xa + k * in, yk = ya + k * yStride;
            float s0 = sumLanes(lanes, 4 * k), s1 = sumLanes(lanes, 4 * k + 1), s2 = sumLanes(lanes, 4 * k + 2), s3 = sumLanes(lanes, 4 * k + 3);
            for (int j = i; j < in; j++) {
                float xj = x[xk + j];
                s0 += at(w, r0, j) * xj;
                s1 += at(w, r1, j) * xj;
                s2 += at(w, r2, j) * xj;
                s3 += at(w, r3, j) * xj;
            }
            y[yk] = s0;
            y[yk + 1] = s1;
            y[yk + 2] = s2;
            y[yk + 3] = s3;
        }
    }

    private static void fourByTwo(MemorySegment w, int in, float[] x, int xa, float[] y, int ya, int yStride, int o, float[] lanes) {
        long stride = (long) in * Float.BYTES, r0 = o * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
        int xb = xa + in;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int step = S.length(), bound = S.loopBound(in), i = 0;
        for (; i < bound; i += step) {
            long at = (long) i * Float.BYTES;
            FloatVector xv = FloatVector.fromArray(S, x, xa + i), xw = FloatVector.fromArray(S, x, xb + i);
            FloatVector w0 = FloatVector.fromMemorySegment(S, w, r0 + at, LE);
            a0 = w0.fma(xv, a0);
            b0 = w0.fma(xw, b0);
            FloatVector w1 = FloatVector.fromMemorySegment(S, w, r1 + at, LE);
            a1 = w1.fma(xv, a1);
            b1 = w1.fma(xw, b1);
            FloatVector w2 = FloatVector.fromMemorySegment(S, w, r2 + at, LE);
            a2 = w2.fma(xv, a2);
            b2 = w2.fma(xw, b2);
            FloatVector w3 = FloatVector.fromMemorySegment(S, w, r3 + at, LE);
            a3 = w3.fma(xv, a3);
            b3 = w3.fma(xw, b3);
        }
        int n = LANES;
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, n);
        a2.intoArray(lanes, 2 * n);
        a3.intoArray(lanes, 3 * n);
        b0.intoArray(lanes, 4 * n);
        b1.intoArray(lanes, 5 * n);
        b2.intoArray(lanes, 6 * n);
        b3.intoArray(lanes, 7 * n);
        float s0 = sumLanes(lanes, 0), s1 = sumLanes(lanes, 1), s2 = sumLanes(lanes, 2), s3 = sumLanes(lanes, 3);
        float t0 = sumLanes(lanes, 4), t1 = sumLanes(lanes, 5), t2 = sumLanes(lanes, 6), t3 = sumLanes(lanes, 7);
        for (; i < in; i++) {
            float xi = x[xa + i], xj = x[xb + i];
            float v0 = at(w, r0, i), v1 = at(w, r1, i), v2 = at(w, r2, i), v3 = at(w, r3, i);
            s0 += v0 * xi;
            s1 += v1 * xi;
            s2 += v2 * xi;
            s3 += v3 * xi;
            t0 += v0 * xj;
            t1 += v1 * xj;
            t2 += v2 * xj;
            t3 += v3 * xj;
        }
        y[ya] = s0;
        y[ya + 1] = s1;
        y[ya + 2] = s2;
        y[ya + 3] = s3;
        y[ya + yStride] = t0;
        y[ya + yStride + 1] = t1;
        y[ya + yStride + 2] = t2;
        y[ya + yStride + 3] = t3;
    }

    private static void fourByOne(MemorySegment w, int in, float[] x, int xa, float[] y, int ya, int o, float[] lanes) {
        long stride = (long) in * Float.BYTES, r0 = o * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int step = S.length(), bound = S.loopBound(in), i = 0;
        for (; i < bound; i += step) {
            long at = (long) i * Float.BYTES;
            FloatVector xv = FloatVector.fromArray(S, x, xa + i);
            a0 = FloatVector.fromMemorySegment(S, w, r0 + at, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(S, w, r1 + at, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(S, w, r2 + at, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(S, w, r3 + at, LE).fma(xv, a3);
        }
        int n = LANES;
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, n);
        a2.intoArray(lanes, 2 * n);
        a3.intoArray(lanes, 3 * n);
        float s0 = sumLanes(lanes, 0), s1 = sumLanes(lanes, 1), s2 = sumLanes(lanes, 2), s3 = sumLanes(lanes, 3);
        for (; i < in; i++) {
            float xi = x[xa + i];
            s0 += at(w, r0, i) * xi;
            s1 += at(w, r1, i) * xi;
            s2 += at(w, r2, i) * xi;
            s3 += at(w, r3, i) * xi;
        }
        y[ya] = s0;
        y[ya + 1] = s1;
        y[ya + 2] = s2;
        y[ya + 3] = s3;
    }

    /** Σ_i W[at/4 + i] · x[xOff + i] for i < n, W read from byte offset {@code rowStart / 4 floats}. */
    private static float dot(MemorySegment w, long rowStartFloats, float[] x, int xOff, int n, float[] lanes) {
        long base = rowStartFloats * Float.BYTES;
        FloatVector acc = FloatVector.zero(S);
        int step = S.length(), bound = S.loopBound(n), i = 0;
        for (; i < bound; i += step)
            acc = FloatVector.fromMemorySegment(S, w, base + (long) i * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xOff + i), acc);
        acc.intoArray(lanes, 0);
        float s = sumLanes(lanes, 0);
        for (; i < n; i++) s += at(w, base, i) * x[xOff + i];
        return s;
    }

    private static float at(MemorySegment w, long rowStartBytes, int i) {
        return w.get(FLOAT_LE, rowStartBytes + (long) i * Float.BYTES);
    }

    /** Element i of a float32 segment. */
    static float get(MemorySegment w, long i) {
        return w.get(FLOAT_LE, i * Float.BYTES);
    }

    /** dst[dOff, dOff + n) = segment floats [from, from + n) (an embedding row). */
    static void copy(MemorySegment w, long from, float[] dst, int dOff, int n) {
        MemorySegment.copy(w, FLOAT_LE, from * Float.BYTES, dst, dOff, n);
    }

    /** Σ a[aOff + i] · b[bOff + i], i < n, on heap arrays; lanes: scratch of {@link #SCRATCH} floats. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        int step = S.length(), bound = S.loopBound(n), i = 0;
        for (; i < bound; i += step) acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        acc.intoArray(lanes, 0);
        float s = sumLanes(lanes, 0);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /**
     * Attention scores sc[s] = Σ_j q[qOff + j] · kT[kOff + j·stride + s] for s < n, over keys stored transposed
     * (one row of {@code stride} slots per head dimension): four vectors of slots accumulate in registers
     * over the head's dimensions. Every sum runs j = 0, 1, ... with fused multiply-adds, in the vector
     * part and in the tail alike.
     */
    static void scores(float[] q, int qOff, int d, float[] kT, int kOff, int stride, float[] sc, int n) {
        int block = 4 * LANES, s = 0;
        for (; s + block <= n; s += block) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < d; j++) {
                FloatVector qj = FloatVector.broadcast(S, q[qOff + j]);
                int at = kOff + j * stride + s;
                a0 = FloatVector.fromArray(S, kT, at).fma(qj, a0);
                a1 = FloatVector.fromArray(S, kT, at + LANES).fma(qj, a1);
                a2 = FloatVector.fromArray(S, kT, at + 2 * LANES).fma(qj, a2);
                a3 = FloatVector.fromArray(S, kT, at + 3 * LANES).fma(qj, a3);
            }
            a0.intoArray(sc, s);
            a1.intoArray(sc, s + LANES);
            a2.intoArray(sc, s + 2 * LANES);
            a3.intoArray(sc, s + 3 * LANES);
        }
        for (; s + LANES <= n; s += LANES) { // what is left, a vector of slots at a time
            FloatVector a0 = FloatVector.zero(S);
            for (int j = 0; j < d; j++) a0 = FloatVector.fromArray(S, kT, kOff + j * stride + s).fma(FloatVector.broadcast(S, q[qOff + j]), a0);
            a0.intoArray(sc, s);
        }
        for (; s < n; s++) {
            float acc = 0;
            for (int j = 0; j < d; j++) acc = Math.fma(kT[kOff + j * stride + s], q[qOff + j], acc);
            sc[s] = acc;
        }
    }

    /**
     * out[oOff + t] = Σ_s w[s] · v[vOff + s·d + t] for t < d over slots s < n (attention's weighted values):
     * four (then two, one) vectors of the head's dimensions accumulate in registers over the slots, in slot
     * order; every sum is the same chain of fused multiply-adds in the vector parts and the scalar tail.
     */
    static void weightedSum(float[] w, int n, float[] v, int vOff, int d, float[] out, int oOff) {
        int block = 4 * LANES, t = 0;
        for (; t + block <= d; t += block) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int s = 0; s < n; s++) {
                FloatVector ws = FloatVector.broadcast(S, w[s]);
                int at = vOff + s * d + t;
                a0 = FloatVector.fromArray(S, v, at).fma(ws, a0);
                a1 = FloatVector.fromArray(S, v, at + LANES).fma(ws, a1);
                a2 = FloatVector.fromArray(S, v, at + 2 * LANES).fma(ws, a2);
                a3 = FloatVector.fromArray(S, v, at + 3 * LANES).fma(ws, a3);
            }
            a0.intoArray(out, oOff + t);
            a1.intoArray(out, oOff + t + LANES);
            a2.intoArray(out, oOff + t + 2 * LANES);
            a3.intoArray(out, oOff + t + 3 * LANES);
        }
        // what is left in vectors too (head_dim 32 with 16 lanes is all of it: scalar, half a decode step went here)
        for (; t + 2 * LANES <= d; t += 2 * LANES) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            for (int s = 0; s < n; s++) {
                FloatVector ws = FloatVector.broadcast(S, w[s]);
                int at = vOff + s * d + t;
                a0 = FloatVector.fromArray(S, v, at).fma(ws, a0);
                a1 = FloatVector.fromArray(S, v, at + LANES).fma(ws, a1);
            }
            a0.intoArray(out, oOff + t);
            a1.intoArray(out, oOff + t + LANES);
        }
        for (; t + LANES <= d; t += LANES) {
            FloatVector a0 = FloatVector.zero(S);
            for (int s = 0; s < n; s++) a0 = FloatVector.fromArray(S, v, vOff + s * d + t).fma(FloatVector.broadcast(S, w[s]), a0);
            a0.intoArray(out, oOff + t);
        }
        for (; t < d; t++) {
            float acc = 0;
            for (int s = 0; s < n; s++) acc = Math.fma(v[vOff + s * d + t], w[s], acc);
            out[oOff + t] = acc;
        }
    }

    /** y[yOff + i] += a · x[xOff + i], i < n. */
    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int step = S.length(), bound = S.loopBound(n), i = 0;
        for (; i < bound; i += step)
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    /** HF RMSNorm of one row: out = w · x / sqrt(mean(x²) + eps) (sum of squares in double). */
    static void rmsNorm(float[] x, int xOff, MemorySegment w, float[] out, int oOff, int n, double eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xOff + i] * x[xOff + i];
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        int step = S.length(), bound = S.loopBound(n), i = 0;
        for (; i < bound; i += step)
            FloatVector.fromArray(S, x, xOff + i).mul(inv).mul(FloatVector.fromMemorySegment(S, w, (long) i * Float.BYTES, LE)).intoArray(out, oOff + i);
        for (; i < n; i++) out[oOff + i] = x[xOff + i] * inv * get(w, i);
    }

    /** SwiGLU of one row of gate|up [2n]: out[i] = silu(gate[i]) · up[i] = gate / (1 + e^-gate) · up. */
    static void swiglu(float[] gu, int gOff, float[] out, int oOff, int n) {
        exp(gu, gOff, out, oOff, n, -1f, 0f); // out = e^-gate
        int step = S.length(), bound = S.loopBound(n), i = 0;
        for (; i < bound; i += step) {
            FloatVector g = FloatVector.fromArray(S, gu, gOff + i), e = FloatVector.fromArray(S, out, oOff + i);
            g.div(e.add(1f)).mul(FloatVector.fromArray(S, gu, gOff + n + i)).intoArray(out, oOff + i);
        }
        for (; i < n; i++) out[oOff + i] = gu[gOff + i] / (out[oOff + i] + 1f) * gu[gOff + n + i];
    }

    // e^x as 2^k · p(r), x = k·ln2 + r, |r| ≤ ln2/2 (Cephes' expf: ln2 split in two, degree-6 polynomial, ~1 ulp)
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5·2^23: adding it rounds to an integer kept in the low mantissa bits
    private static final float EXP_LO = -87.3f, EXP_HI = 88.3f; // 2^k stays a normal float
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /**
     * dst[dOff + i] = e^(scale · src[sOff + i] + shift) for i < n, arguments clamped to [-87.3, 88.3].
     * Why not Math.exp or the Vector API's EXP: the first is scalar (a fifth of a small model's decode
     * step went there), the second differs in the last bit between compiled and interpreted code; this
     * one uses only lane-wise adds, multiplies, FMAs and bit operations, which give the same bits in both,
     * and its scalar tail is the same arithmetic. Within 2 ulp of e^x (KernelsTest).
     */
    static void exp(float[] src, int sOff, float[] dst, int dOff, int n, float scale, float shift) {
        int step = S.length(), bound = S.loopBound(n), i = 0;
        int roundBits = Float.floatToRawIntBits(ROUND);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI), ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p2 = FloatVector.broadcast(S, P2), p3 = FloatVector.broadcast(S, P3), p4 = FloatVector.broadcast(S, P4), p5 = FloatVector.broadcast(S, P5);
        for (; i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, src, sOff + i).fma(scale, shift).max(EXP_LO).min(EXP_HI);
            FloatVector t = x.fma(LOG2E, ROUND), k = t.sub(ROUND);
            FloatVector r = k.fma(ln2Hi, x);
            r = k.fma(ln2Lo, r);
            FloatVector p = r.fma(P0, P1).fma(r, p2).fma(r, p3).fma(r, p4).fma(r, p5);
            p = p.mul(r.mul(r)).add(r).add(1f);
            IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(roundBits).add(127).lanewise(VectorOperators.LSHL, 23);
            p.mul((FloatVector) bits.reinterpretAsFloats()).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            float x = Math.min(Math.max(Math.fma(src[sOff + i], scale, shift), EXP_LO), EXP_HI);
            float t = Math.fma(x, LOG2E, ROUND), k = t - ROUND;
            float r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, x));
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
            p = p * (r * r) + r + 1f;
            dst[dOff + i] = p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - roundBits + 127) << 23);
        }
    }

    /** x[off + i] += b[i] for a bias segment b of n floats. */
    /** Σ_i e^(src[i] − shift) for i &lt; n, summed in index order into a double; tmp holds n floats. */
    static double sumExp(float[] src, int n, float shift, float[] tmp) {
        exp(src, 0, tmp, 0, n, 1f, -shift);
        double s = 0;
        for (int i = 0; i < n; i++) s += tmp[i];
        return s;
    }

    static void addBias(float[] x, int off, MemorySegment b, int n) {
        for (int i = 0; i < n; i++) x[off + i] += get(b, i);
    }
}
