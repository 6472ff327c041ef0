package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.Matrix.GEMV_ROWS;
import static dev.steno.engine.whisper.nn.Matrix.storeRows;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.sum;
import static dev.steno.engine.whisper.nn.VectorMath.widenHalf;
import static dev.steno.engine.whisper.nn.VectorMath.widenQ8;

import jdk.incubator.vector.FloatVector;

/**
 * The kernels of {@link MatMul#matvecRows}: several input rows against the same weight rows in one pass, one kernel
 * body per storage type. Each pass takes the {@link Matrix#GEMV_ROWS} row streams of {@link Matrix#gemvRange}
 * (rows {@code o, o+st, o+2st, o+3st}) and dots them with a group of input rows while they are in the first-level
 * cache, so the weights come from memory once for the whole batch. Every (weight row, input row) pair has its own
 * accumulator and sums in the order {@link Matrix#gemvRange} uses (lane-wise over k, lanes reduced, the tail, the
 * bias), so each output is the bits a one-row product gives.
 *
 * <p>A group that the batch does not fill repeats its last input row: the repeat computes and stores the very same
 * values again, which keeps the kernels free of masks and branches.
 */
final class BatchedMatMul {
    /** Input rows per pass of the f32 and f16 kernels: 16 accumulators, 4 weight vectors and one input vector. */
    private static final int GROUP = 4;
    /** Input rows per pass of the q8_0 kernel: 8 block sums and 8 accumulators. */
    private static final int Q8_GROUP = 2;

    private BatchedMatMul() {
    }

    /** Output rows {@code [from, to)} of {@link MatMul#matvecRows}, as one chunk of a one-row product cuts them. */
    static void gemvRangeRows(float[] x, int n, Matrix w, float[] bias, float[] y, int from, int to) {
        int st = (to - from) / GEMV_ROWS;
        if (st > 0) {
            w.gemvStreams(x, n, bias, y, from, st);
        }
        int rest = from + GEMV_ROWS * st;
        if (rest < to) {
            // the chunk's last rows (fewer than GEMV_ROWS) run as the one-row product runs them
            for (int b = 0; b < n; b++) {
                w.gemvRange(x, b * w.cols(), bias, y, b * w.rows(), rest, to);
            }
        }
    }

    /** The row streams {@code [from, from + 4st)} of an f32 matrix ({@code in} columns, {@code out} rows). */
    static void f32(float[] w, int in, int out, float[] x, int n, float[] bias, float[] y, int from, int st) {
        int kv = in - in % L;
        for (int o = from; o < from + st; o++) {
            int w0 = o * in;
            int w1 = w0 + st * in;
            int w2 = w1 + st * in;
            int w3 = w2 + st * in;
            for (int b = 0; b < n; b += GROUP) {
                int i1 = Math.min(b + 1, n - 1);
                int i2 = Math.min(b + 2, n - 1);
                int i3 = Math.min(b + 3, n - 1);
                int x0 = b * in;
                int x1 = i1 * in;
                int x2 = i2 * in;
                int x3 = i3 * in;
                FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
                FloatVector c01 = c00, c11 = c00, c21 = c00, c31 = c00;
                FloatVector c02 = c00, c12 = c00, c22 = c00, c32 = c00;
                FloatVector c03 = c00, c13 = c00, c23 = c00, c33 = c00;
                for (int k = 0; k < kv; k += L) {
                    FloatVector v0 = FloatVector.fromArray(S, w, w0 + k);
                    FloatVector v1 = FloatVector.fromArray(S, w, w1 + k);
                    FloatVector v2 = FloatVector.fromArray(S, w, w2 + k);
                    FloatVector v3 = FloatVector.fromArray(S, w, w3 + k);
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
                finishF32(w, in, kv, w0, st, x, x0, bias, y, b * out, o,
                        sum(c00), sum(c10), sum(c20), sum(c30));
                finishF32(w, in, kv, w0, st, x, x1, bias, y, i1 * out, o,
                        sum(c01), sum(c11), sum(c21), sum(c31));
                finishF32(w, in, kv, w0, st, x, x2, bias, y, i2 * out, o,
                        sum(c02), sum(c12), sum(c22), sum(c32));
                finishF32(w, in, kv, w0, st, x, x3, bias, y, i3 * out, o,
                        sum(c03), sum(c13), sum(c23), sum(c33));
            }
        }
    }

    /** The row streams {@code [from, from + 4st)} of an f16 matrix, widened in registers. */
    static void f16(short[] w, int in, int out, float[] x, int n, float[] bias, float[] y, int from, int st) {
        int kv = in - in % L;
        for (int o = from; o < from + st; o++) {
            int w0 = o * in;
            int w1 = w0 + st * in;
            int w2 = w1 + st * in;
            int w3 = w2 + st * in;
            for (int b = 0; b < n; b += GROUP) {
                int i1 = Math.min(b + 1, n - 1);
                int i2 = Math.min(b + 2, n - 1);
                int i3 = Math.min(b + 3, n - 1);
                int x0 = b * in;
                int x1 = i1 * in;
                int x2 = i2 * in;
                int x3 = i3 * in;
                FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
                FloatVector c01 = c00, c11 = c00, c21 = c00, c31 = c00;
                FloatVector c02 = c00, c12 = c00, c22 = c00, c32 = c00;
                FloatVector c03 = c00, c13 = c00, c23 = c00, c33 = c00;
                for (int k = 0; k < kv; k += L) {
                    FloatVector v0 = widenHalf(w, w0 + k);
                    FloatVector v1 = widenHalf(w, w1 + k);
                    FloatVector v2 = widenHalf(w, w2 + k);
                    FloatVector v3 = widenHalf(w, w3 + k);
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
                finishF16(w, in, kv, w0, st, x, x0, bias, y, b * out, o,
                        sum(c00), sum(c10), sum(c20), sum(c30));
                finishF16(w, in, kv, w0, st, x, x1, bias, y, i1 * out, o,
                        sum(c01), sum(c11), sum(c21), sum(c31));
                finishF16(w, in, kv, w0, st, x, x2, bias, y, i2 * out, o,
                        sum(c02), sum(c12), sum(c22), sum(c32));
                finishF16(w, in, kv, w0, st, x, x3, bias, y, i3 * out, o,
                        sum(c03), sum(c13), sum(c23), sum(c33));
            }
        }
    }

    /**
     * The row streams {@code [from, from + 4st)} of a q8_0 matrix: per block, each pair's int8 products are summed
     * and the sum scaled once, as {@link Q8Matrix}'s one-row kernel does.
     */
    static void q8(byte[] q, float[] scale, int in, int out, float[] x, int n, float[] bias, float[] y, int from,
                   int st) {
        int blocks = in / Q8Matrix.BLOCK;
        int sb = st * blocks;
        for (int o = from; o < from + st; o++) {
            int w0 = o * in;
            int w1 = w0 + st * in;
            int w2 = w1 + st * in;
            int w3 = w2 + st * in;
            int b0 = w0 / Q8Matrix.BLOCK;
            for (int b = 0; b < n; b += Q8_GROUP) {
                int i1 = Math.min(b + 1, n - 1);
                int x0 = b * in;
                int x1 = i1 * in;
                FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
                FloatVector c01 = c00, c11 = c00, c21 = c00, c31 = c00;
                for (int blk = 0; blk < blocks; blk++) {
                    int k0 = blk * Q8Matrix.BLOCK;
                    FloatVector p00 = FloatVector.zero(S), p10 = p00, p20 = p00, p30 = p00;
                    FloatVector p01 = p00, p11 = p00, p21 = p00, p31 = p00;
                    for (int k = k0; k < k0 + Q8Matrix.BLOCK; k += L) {
                        FloatVector v0 = widenQ8(q, w0 + k);
                        FloatVector v1 = widenQ8(q, w1 + k);
                        FloatVector v2 = widenQ8(q, w2 + k);
                        FloatVector v3 = widenQ8(q, w3 + k);
                        FloatVector xv = FloatVector.fromArray(S, x, x0 + k);
                        p00 = v0.fma(xv, p00);
                        p10 = v1.fma(xv, p10);
                        p20 = v2.fma(xv, p20);
                        p30 = v3.fma(xv, p30);
                        xv = FloatVector.fromArray(S, x, x1 + k);
                        p01 = v0.fma(xv, p01);
                        p11 = v1.fma(xv, p11);
                        p21 = v2.fma(xv, p21);
                        p31 = v3.fma(xv, p31);
                    }
                    FloatVector s0 = FloatVector.broadcast(S, scale[b0 + blk]);
                    FloatVector s1 = FloatVector.broadcast(S, scale[b0 + sb + blk]);
                    FloatVector s2 = FloatVector.broadcast(S, scale[b0 + 2 * sb + blk]);
                    FloatVector s3 = FloatVector.broadcast(S, scale[b0 + 3 * sb + blk]);
                    c00 = p00.fma(s0, c00);
                    c10 = p10.fma(s1, c10);
                    c20 = p20.fma(s2, c20);
                    c30 = p30.fma(s3, c30);
                    c01 = p01.fma(s0, c01);
                    c11 = p11.fma(s1, c11);
                    c21 = p21.fma(s2, c21);
                    c31 = p31.fma(s3, c31);
                }
                storeRows(y, b * out, bias, o, st, sum(c00), sum(c10), sum(c20), sum(c30));
                storeRows(y, i1 * out, bias, o, st, sum(c01), sum(c11), sum(c21), sum(c31));
            }
        }
    }

    /** Adds the columns past the last whole vector (none in Whisper's shapes) and the bias; stores four outputs. */
    private static void finishF32(float[] w, int in, int kv, int w0, int st, float[] x, int xo, float[] bias,
                                  float[] y, int yo, int o, float s0, float s1, float s2, float s3) {
        for (int k = kv; k < in; k++) {
            float xk = x[xo + k];
            s0 += xk * w[w0 + k];
            s1 += xk * w[w0 + st * in + k];
            s2 += xk * w[w0 + 2 * st * in + k];
            s3 += xk * w[w0 + 3 * st * in + k];
        }
        storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
    }

    /** As {@link #finishF32} for binary16 weights. */
    private static void finishF16(short[] w, int in, int kv, int w0, int st, float[] x, int xo, float[] bias,
                                  float[] y, int yo, int o, float s0, float s1, float s2, float s3) {
        for (int k = kv; k < in; k++) {
            float xk = x[xo + k];
            s0 += xk * Float.float16ToFloat(w[w0 + k]);
            s1 += xk * Float.float16ToFloat(w[w0 + st * in + k]);
            s2 += xk * Float.float16ToFloat(w[w0 + 2 * st * in + k]);
            s3 += xk * Float.float16ToFloat(w[w0 + 3 * st * in + k]);
        }
        storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
    }
}
