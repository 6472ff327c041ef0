package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.widenHalf;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** A {@link Matrix} of IEEE binary16 values, kept as their bit patterns and widened to float in the kernels. */
public final class F16Matrix extends Matrix {
    private final short[] bits;

    /** Wraps {@code rows * cols} binary16 bit patterns, row-major (not copied). */
    public F16Matrix(short[] bits, int rows, int cols) {
        super(rows, cols, bits.length);
        this.bits = bits;
    }

    /** Reads {@code rows * cols} little-endian binary16 values from {@code data}'s position. */
    public static F16Matrix read(ByteBuffer data, int rows, int cols) {
        short[] s = new short[Math.multiplyExact(rows, cols)];
        littleEndian(data).asShortBuffer().get(s);
        return new F16Matrix(s, rows, cols);
    }

    @Override
    public float get(int r, int c) {
        return Float.float16ToFloat(bits[r * cols() + c]);
    }

    @Override
    public void row(int r, float[] dst, int off) {
        short[] s = bits;
        int cols = cols();
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
            dst[off + c] = Float.float16ToFloat(s[base + c]);
        }
    }

    @Override
    void gemvRange(float[] x, int xo, float[] bias, float[] y, int yo, int from, int to) {
        short[] w = bits;
        int in = cols();
        int kv = in - in % L;
        int st = (to - from) / GEMV_ROWS;
        for (int o = from; o < from + st; o++) {
            int w0 = o * in;
            int w1 = w0 + st * in;
            int w2 = w1 + st * in;
            int w3 = w2 + st * in;
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
                s0 += xk * Float.float16ToFloat(w[w0 + k]);
                s1 += xk * Float.float16ToFloat(w[w1 + k]);
                s2 += xk * Float.float16ToFloat(w[w2 + k]);
                s3 += xk * Float.float16ToFloat(w[w3 + k]);
            }
            storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            int w0 = o * in;
            FloatVector c0 = FloatVector.zero(S);
            for (int k = 0; k < kv; k += L) {
                c0 = widenHalf(w, w0 + k).fma(FloatVector.fromArray(S, x, xo + k), c0);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < in; k++) {
                s0 += x[xo + k] * Float.float16ToFloat(w[w0 + k]);
            }
            y[yo + o] = bias == null ? s0 : s0 + bias[o];
        }
    }

    @Override
    void pack(int o0, int n, float[] dst) {
        short[] s = bits;
        int in = cols();
        for (int j = 0; j < n; j++) {
            int base = (o0 + j) * in;
            for (int k = 0, d = j; k < in; k++, d += NR) {
                dst[d] = Float.float16ToFloat(s[base + k]);
            }
        }
    }
}
