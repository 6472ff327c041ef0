package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.widenHalf;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A {@link Matrix} of IEEE binary16 values, 2 little-endian bytes each, row-major, widened to float in the kernels.
 */
public final class F16Matrix extends Matrix {
    /** Reads {@code rows * cols} little-endian binary16 values in place from {@code data} (not copied). */
    public F16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, 2L * cols);
    }

    /** Copies {@code rows * cols} binary16 bit patterns, row-major. */
    public F16Matrix(short[] bits, int rows, int cols) {
        this(copyOf(bits, bits.length, F16, rows, cols), rows, cols);
    }

    /** Reads {@code rows * cols} little-endian binary16 values in place from {@code data}'s position (not copied). */
    public static F16Matrix read(ByteBuffer data, int rows, int cols) {
        return new F16Matrix(segment(data, 2L * rows * cols), rows, cols);
    }

    @Override
    public float get(int r, int c) {
        return Float.float16ToFloat(segment().getAtIndex(F16, (long) r * cols() + c));
    }

    @Override
    public void row(int r, float[] dst, int off) {
        MemorySegment s = segment();
        int cols = cols();
        long base = (long) r * cols;
        for (int c = 0; c < cols; c++) {
            dst[off + c] = Float.float16ToFloat(s.getAtIndex(F16, base + c));
        }
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
                c0 = widenHalf(w, w0 + k).fma(xv, c0);
                c1 = widenHalf(w, w1 + k).fma(xv, c1);
                c2 = widenHalf(w, w2 + k).fma(xv, c2);
                c3 = widenHalf(w, w3 + k).fma(xv, c3);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            float s1 = c1.reduceLanes(VectorOperators.ADD);
            float s2 = c2.reduceLanes(VectorOperators.ADD);
            float s3 = c3.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < in; k++) {
                float xk = x[xo + k];
                s0 += xk * Float.float16ToFloat(w.getAtIndex(F16, w0 + k));
                s1 += xk * Float.float16ToFloat(w.getAtIndex(F16, w1 + k));
                s2 += xk * Float.float16ToFloat(w.getAtIndex(F16, w2 + k));
                s3 += xk * Float.float16ToFloat(w.getAtIndex(F16, w3 + k));
            }
            storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            long w0 = (long) o * in;
            FloatVector c0 = FloatVector.zero(S);
            for (int k = 0; k < kv; k += L) {
                c0 = widenHalf(w, w0 + k).fma(FloatVector.fromArray(S, x, xo + k), c0);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < in; k++) {
                s0 += x[xo + k] * Float.float16ToFloat(w.getAtIndex(F16, w0 + k));
            }
            y[yo + o] = bias == null ? s0 : s0 + bias[o];
        }
    }

    @Override
    void pack(int o0, int n, float[] dst) {
        MemorySegment s = segment();
        int in = cols();
        for (int j = 0; j < n; j++) {
            long base = (long) (o0 + j) * in;
            for (int k = 0, d = j; k < in; k++, d += NR) {
                dst[d] = Float.float16ToFloat(s.getAtIndex(F16, base + k));
            }
        }
    }
}
