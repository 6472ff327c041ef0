package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.loadF32;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

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
    boolean vectorRows() {
        return cols() % L == 0;
    }

    @Override
    long rowStride() {
        return cols();
    }

    @Override
    int widestPass() {
        return 4;
    }

    @Override
    void pass4x4(long w0, long ws, float[] x, int x0, int in, float[] acc) {
        dot4x4(segment(), w0, ws, x, x0, in, acc);
    }

    @Override
    void pass4x2(long w0, long ws, float[] x, int x0, int in, float[] acc) {
        dot4x2(segment(), w0, ws, x, x0, in, acc);
    }

    @Override
    void pass4x1(long w0, long ws, float[] x, int x0, int in, float[] acc) {
        dot4x1(segment(), w0, ws, x, x0, in, acc);
    }

    @Override
    void pass1x1(long w0, float[] x, int x0, int in, float[] acc) {
        dot1x1(segment(), w0, x, x0, in, acc);
    }

    /** Four weight row streams ({@code ws} apart) against four input rows ({@code in} apart): 16 sums. */
    private static void dot4x4(MemorySegment w, long w0, long ws, float[] x, int x0, int in, float[] acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        long w1 = w0 + ws;
        long w2 = w1 + ws;
        long w3 = w2 + ws;
        int x1 = x0 + in;
        int x2 = x0 + 2 * in;
        int x3 = x0 + 3 * in;
        for (int k = 0; k < in; k += L) {
            FloatVector v0 = loadF32(w, w0 + k);
            FloatVector v1 = loadF32(w, w1 + k);
            FloatVector v2 = loadF32(w, w2 + k);
            FloatVector v3 = loadF32(w, w3 + k);
            FloatVector xv = FloatVector.fromArray(S, x, x0 + k);
            c00 = v0.fma(xv, c00);
            c10 = v1.fma(xv, c10);
            c20 = v2.fma(xv, c20);
            c30 = v3.fma(xv, c30);
            xv = FloatVector.fromArray(S, x, x1 + k);
            c01 = v0.fma(xv, c01);
            c11 = v1.fma(xv, c11);
            c21 = v2.fma(xv, c21);
            c31 = v3.fma(xv, c31);
            xv = FloatVector.fromArray(S, x, x2 + k);
            c02 = v0.fma(xv, c02);
            c12 = v1.fma(xv, c12);
            c22 = v2.fma(xv, c22);
            c32 = v3.fma(xv, c32);
            xv = FloatVector.fromArray(S, x, x3 + k);
            c03 = v0.fma(xv, c03);
            c13 = v1.fma(xv, c13);
            c23 = v2.fma(xv, c23);
            c33 = v3.fma(xv, c33);
        }
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c02.intoArray(acc, 2 * L);
        c03.intoArray(acc, 3 * L);
        c10.intoArray(acc, 4 * L);
        c11.intoArray(acc, 5 * L);
        c12.intoArray(acc, 6 * L);
        c13.intoArray(acc, 7 * L);
        c20.intoArray(acc, 8 * L);
        c21.intoArray(acc, 9 * L);
        c22.intoArray(acc, 10 * L);
        c23.intoArray(acc, 11 * L);
        c30.intoArray(acc, 12 * L);
        c31.intoArray(acc, 13 * L);
        c32.intoArray(acc, 14 * L);
        c33.intoArray(acc, 15 * L);
    }

    /** Four weight row streams against two input rows: 8 sums. */
    private static void dot4x2(MemorySegment w, long w0, long ws, float[] x, int x0, int in, float[] acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        long w1 = w0 + ws;
        long w2 = w1 + ws;
        long w3 = w2 + ws;
        int x1 = x0 + in;
        for (int k = 0; k < in; k += L) {
            FloatVector v0 = loadF32(w, w0 + k);
            FloatVector v1 = loadF32(w, w1 + k);
            FloatVector v2 = loadF32(w, w2 + k);
            FloatVector v3 = loadF32(w, w3 + k);
            FloatVector xv = FloatVector.fromArray(S, x, x0 + k);
            c00 = v0.fma(xv, c00);
            c10 = v1.fma(xv, c10);
            c20 = v2.fma(xv, c20);
            c30 = v3.fma(xv, c30);
            xv = FloatVector.fromArray(S, x, x1 + k);
            c01 = v0.fma(xv, c01);
            c11 = v1.fma(xv, c11);
            c21 = v2.fma(xv, c21);
            c31 = v3.fma(xv, c31);
        }
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
    }

    /** Four weight row streams against one input row (a single decoder step): 4 sums. */
    private static void dot4x1(MemorySegment w, long w0, long ws, float[] x, int x0, int in, float[] acc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = c00;
        FloatVector c20 = c00;
        FloatVector c30 = c00;
        long w1 = w0 + ws;
        long w2 = w1 + ws;
        long w3 = w2 + ws;
        for (int k = 0; k < in; k += L) {
            FloatVector v0 = loadF32(w, w0 + k);
            FloatVector v1 = loadF32(w, w1 + k);
            FloatVector v2 = loadF32(w, w2 + k);
            FloatVector v3 = loadF32(w, w3 + k);
            FloatVector xv = FloatVector.fromArray(S, x, x0 + k);
            c00 = v0.fma(xv, c00);
            c10 = v1.fma(xv, c10);
            c20 = v2.fma(xv, c20);
            c30 = v3.fma(xv, c30);
        }
        c00.intoArray(acc, 0);
        c10.intoArray(acc, L);
        c20.intoArray(acc, 2 * L);
        c30.intoArray(acc, 3 * L);
    }

    /** One weight row against one input row (a chunk's last rows): 1 sum. */
    private static void dot1x1(MemorySegment w, long w0, float[] x, int x0, int in, float[] acc) {
        FloatVector c00 = FloatVector.zero(S);
        for (int k = 0; k < in; k += L) {
            FloatVector v0 = loadF32(w, w0 + k);
            FloatVector xv = FloatVector.fromArray(S, x, x0 + k);
            c00 = v0.fma(xv, c00);
        }
        c00.intoArray(acc, 0);
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
