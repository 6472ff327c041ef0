package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.loadF32;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** A {@link Matrix} of single-precision values, 4 little-endian bytes each, row-major. */
public final class F32Matrix extends Matrix {
    /** Reads {@code rows * cols} little-endian floats in place from {@code data} (not copied). */
    public F32Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, 4L * cols);
    }

    /** Copies {@code rows * cols} values, row-major. */
    public F32Matrix(float[] values, int rows, int cols) {
        this(copyOf(values, values.length, F32, rows, cols), rows, cols);
    }

    /** Reads {@code rows * cols} little-endian floats in place from {@code data}'s position (not copied). */
    public static F32Matrix read(ByteBuffer data, int rows, int cols) {
        return new F32Matrix(segment(data, 4L * rows * cols), rows, cols);
    }

    @Override
    public float get(int r, int c) {
        return segment().getAtIndex(F32, (long) r * cols() + c);
    }

    @Override
    public void row(int r, float[] dst, int off) {
        MemorySegment.copy(segment(), F32, 4L * r * cols(), dst, off, cols());
    }

    @Override
    void gemvRange(float[] x, int xo, float[] bias, float[] y, int yo, int from, int to) {
        MemorySegment w = segment();
        int in = cols();
        int kv = in - in % L;
        int st = (to - from) / GEMV_ROWS;
        for (int o = from; o < from + st; o++) {
            long w0 = (long) o * in;
            long w1 = w0 + (long) st * in;
            long w2 = w1 + (long) st * in;
            long w3 = w2 + (long) st * in;
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int k = 0; k < kv; k += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xo + k);
                c0 = loadF32(w, w0 + k).fma(xv, c0);
                c1 = loadF32(w, w1 + k).fma(xv, c1);
                c2 = loadF32(w, w2 + k).fma(xv, c2);
                c3 = loadF32(w, w3 + k).fma(xv, c3);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            float s1 = c1.reduceLanes(VectorOperators.ADD);
            float s2 = c2.reduceLanes(VectorOperators.ADD);
            float s3 = c3.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < in; k++) {
                float xk = x[xo + k];
                s0 += xk * w.getAtIndex(F32, w0 + k);
                s1 += xk * w.getAtIndex(F32, w1 + k);
                s2 += xk * w.getAtIndex(F32, w2 + k);
                s3 += xk * w.getAtIndex(F32, w3 + k);
            }
            storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            float s0 = dot(x, xo, w, (long) o * in, in);
            y[yo + o] = bias == null ? s0 : s0 + bias[o];
        }
    }

    /** {@link VectorMath#dot} of {@code len} values of x with those of w from value {@code wo}, summed alike. */
    private static float dot(float[] x, int xo, MemorySegment w, long wo, int len) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int k = 0;
        for (; k + 2 * L <= len; k += 2 * L) {
            s0 = FloatVector.fromArray(S, x, xo + k).fma(loadF32(w, wo + k), s0);
            s1 = FloatVector.fromArray(S, x, xo + k + L).fma(loadF32(w, wo + k + L), s1);
        }
        for (; k + L <= len; k += L) {
            s0 = FloatVector.fromArray(S, x, xo + k).fma(loadF32(w, wo + k), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            s += x[xo + k] * w.getAtIndex(F32, wo + k);
        }
        return s;
    }

    @Override
    void pack(int o0, int n, float[] dst) {
        MemorySegment f = segment();
        int in = cols();
        for (int j = 0; j < n; j++) {
            long base = (long) (o0 + j) * in;
            for (int k = 0, d = j; k < in; k++, d += NR) {
                dst[d] = f.getAtIndex(F32, base + k);
            }
        }
    }
}
