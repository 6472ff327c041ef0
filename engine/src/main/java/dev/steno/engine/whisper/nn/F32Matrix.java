package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** A {@link Matrix} of single-precision values. */
public final class F32Matrix extends Matrix {
    private final float[] values;

    /** Wraps {@code rows * cols} values, row-major (not copied). */
    public F32Matrix(float[] values, int rows, int cols) {
        super(rows, cols, values.length);
        this.values = values;
    }

    /** Reads {@code rows * cols} little-endian floats from {@code data}'s position. */
    public static F32Matrix read(ByteBuffer data, int rows, int cols) {
        float[] f = new float[Math.multiplyExact(rows, cols)];
        littleEndian(data).asFloatBuffer().get(f);
        return new F32Matrix(f, rows, cols);
    }

    @Override
    public float get(int r, int c) {
        return values[r * cols() + c];
    }

    @Override
    public void row(int r, float[] dst, int off) {
        System.arraycopy(values, r * cols(), dst, off, cols());
    }

    @Override
    void gemvRange(float[] x, int xo, float[] bias, float[] y, int yo, int from, int to) {
        float[] w = values;
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
                c0 = FloatVector.fromArray(S, w, w0 + k).fma(xv, c0);
                c1 = FloatVector.fromArray(S, w, w1 + k).fma(xv, c1);
                c2 = FloatVector.fromArray(S, w, w2 + k).fma(xv, c2);
                c3 = FloatVector.fromArray(S, w, w3 + k).fma(xv, c3);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            float s1 = c1.reduceLanes(VectorOperators.ADD);
            float s2 = c2.reduceLanes(VectorOperators.ADD);
            float s3 = c3.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < in; k++) {
                float xk = x[xo + k];
                s0 += xk * w[w0 + k];
                s1 += xk * w[w1 + k];
                s2 += xk * w[w2 + k];
                s3 += xk * w[w3 + k];
            }
            storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            float s0 = VectorMath.dot(x, xo, w, o * in, in);
            y[yo + o] = bias == null ? s0 : s0 + bias[o];
        }
    }

    @Override
    void pack(int o0, int n, float[] dst) {
        float[] f = values;
        int in = cols();
        for (int j = 0; j < n; j++) {
            int base = (o0 + j) * in;
            for (int k = 0, d = j; k < in; k++, d += NR) {
                dst[d] = f[base + k];
            }
        }
    }
}
