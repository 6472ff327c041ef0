package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.widenQ8;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * A {@link Matrix} in ggml's q8_0 format: int8 values in blocks of {@link #BLOCK} along a row, one float scale per
 * block; value i is {@code quants[i] * scales[i / 32]}. The columns must be whole blocks.
 */
public final class Q8Matrix extends Matrix {
    /** Values per q8_0 block (ggml's QK8_0). */
    public static final int BLOCK = 32;

    private final byte[] quants;
    private final float[] scales;

    /**
     * Wraps q8_0 values (not copied): value i is {@code quants[i] * scales[i / 32]}; {@code cols} must be a multiple
     * of 32.
     */
    public Q8Matrix(byte[] quants, float[] scales, int rows, int cols) {
        super(rows, cols, quants.length);
        if (cols % BLOCK != 0 || scales.length != quants.length / BLOCK) {
            throw new IllegalArgumentException("q8_0 matrix " + rows + "x" + cols + " needs rows of whole "
                    + BLOCK + "-value blocks and one scale per block");
        }
        this.quants = quants;
        this.scales = scales;
    }

    /**
     * Reads {@code rows * cols} values in ggml's q8_0 blocks (an f16 scale, then 32 int8) from {@code data}'s
     * position; the scales are widened to float (an eighth of a byte per value).
     */
    public static Q8Matrix read(ByteBuffer data, int rows, int cols) {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("q8_0 rows of " + cols + " values are not whole blocks");
        }
        ByteBuffer b = littleEndian(data);
        int n = Math.multiplyExact(rows, cols);
        byte[] q = new byte[n];
        float[] scale = new float[n / BLOCK];
        for (int blk = 0; blk < scale.length; blk++) {
            scale[blk] = Float.float16ToFloat(b.getShort());
            b.get(q, blk * BLOCK, BLOCK);
        }
        return new Q8Matrix(q, scale, rows, cols);
    }

    @Override
    public float get(int r, int c) {
        int i = r * cols() + c;
        return quants[i] * scales[i / BLOCK];
    }

    @Override
    public void row(int r, float[] dst, int off) {
        int cols = cols();
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
            dst[off + c] = quants[base + c] * scales[(base + c) / BLOCK];
        }
    }

    /**
     * Per block, the int8 values are widened to float in registers and dotted with x, and the block's sum is scaled
     * once; four rows share the x loads.
     */
    @Override
    void gemvRows(float[] x, int n, float[] bias, float[] y, int from, int to) {
        int in = cols();
        if (BLOCK % L != 0) {
            gemvRowsScalar(x, n, bias, y, from, to);
            return;
        }
        byte[] q = quants;
        float[] scale = scales;
        int out = rows();
        float[] acc = Scratch.get(Scratch.SUMS, GEMV_ROWS * GEMV_INPUTS * L);
        int st = (to - from) / GEMV_ROWS;
        int ws = st * in;
        for (int o = from; o < from + st; o++) {
            int w0 = o * in;
            int b = 0;
            // two input rows per pass, not four: each pair needs a block sum and a running sum
            for (; b + 2 <= n; b += 2) {
                dot4x2(q, scale, w0, ws, x, b * in, in, acc);
                storeSums(acc, GEMV_ROWS, 2, y, out, b, bias, o, st);
            }
            if (b < n) {
                dot4x1(q, scale, w0, ws, x, b * in, in, acc);
                storeSums(acc, GEMV_ROWS, 1, y, out, b, bias, o, st);
            }
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            for (int b = 0; b < n; b++) {
                dot1x1(q, scale, o * in, x, b * in, in, acc);
                storeSums(acc, 1, 1, y, out, b, bias, o, 0);
            }
        }
    }

    /**
     * Four weight row streams ({@code ws} values apart) against two input rows: per block, each pair's int8 products
     * are summed and the sum scaled once.
     */
    private static void dot4x2(byte[] q, float[] scale, int w0, int ws, float[] x, int x0, int in, float[] acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int w1 = w0 + ws;
        int w2 = w1 + ws;
        int w3 = w2 + ws;
        int x1 = x0 + in;
        int s0 = w0 / BLOCK;
        int sb = ws / BLOCK;
        for (int k0 = 0; k0 < in; k0 += BLOCK) {
            FloatVector p00 = FloatVector.zero(S), p01 = p00, p10 = p00, p11 = p00;
            FloatVector p20 = p00, p21 = p00, p30 = p00, p31 = p00;
            for (int k = k0; k < k0 + BLOCK; k += L) {
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
            int blk = s0 + k0 / BLOCK;
            FloatVector d0 = FloatVector.broadcast(S, scale[blk]);
            FloatVector d1 = FloatVector.broadcast(S, scale[blk + sb]);
            FloatVector d2 = FloatVector.broadcast(S, scale[blk + 2 * sb]);
            FloatVector d3 = FloatVector.broadcast(S, scale[blk + 3 * sb]);
            c00 = p00.fma(d0, c00);
            c01 = p01.fma(d0, c01);
            c10 = p10.fma(d1, c10);
            c11 = p11.fma(d1, c11);
            c20 = p20.fma(d2, c20);
            c21 = p21.fma(d2, c21);
            c30 = p30.fma(d3, c30);
            c31 = p31.fma(d3, c31);
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

    /** Four weight row streams against one input row (a single decoder step). */
    private static void dot4x1(byte[] q, float[] scale, int w0, int ws, float[] x, int x0, int in, float[] acc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int w1 = w0 + ws;
        int w2 = w1 + ws;
        int w3 = w2 + ws;
        int s0 = w0 / BLOCK;
        int sb = ws / BLOCK;
        for (int k0 = 0; k0 < in; k0 += BLOCK) {
            FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0;
            for (int k = k0; k < k0 + BLOCK; k += L) {
                FloatVector xv = FloatVector.fromArray(S, x, x0 + k);
                p0 = widenQ8(q, w0 + k).fma(xv, p0);
                p1 = widenQ8(q, w1 + k).fma(xv, p1);
                p2 = widenQ8(q, w2 + k).fma(xv, p2);
                p3 = widenQ8(q, w3 + k).fma(xv, p3);
            }
            int blk = s0 + k0 / BLOCK;
            c0 = p0.fma(FloatVector.broadcast(S, scale[blk]), c0);
            c1 = p1.fma(FloatVector.broadcast(S, scale[blk + sb]), c1);
            c2 = p2.fma(FloatVector.broadcast(S, scale[blk + 2 * sb]), c2);
            c3 = p3.fma(FloatVector.broadcast(S, scale[blk + 3 * sb]), c3);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
    }

    /** One weight row against one input row (a chunk's last rows). */
    private static void dot1x1(byte[] q, float[] scale, int w0, float[] x, int x0, int in, float[] acc) {
        FloatVector c0 = FloatVector.zero(S);
        int s0 = w0 / BLOCK;
        for (int k0 = 0; k0 < in; k0 += BLOCK) {
            FloatVector p0 = FloatVector.zero(S);
            for (int k = k0; k < k0 + BLOCK; k += L) {
                p0 = widenQ8(q, w0 + k).fma(FloatVector.fromArray(S, x, x0 + k), p0);
            }
            c0 = p0.fma(FloatVector.broadcast(S, scale[s0 + k0 / BLOCK]), c0);
        }
        c0.intoArray(acc, 0);
    }

    @Override
    void pack(int o0, int n, float[] dst) {
        byte[] q = quants;
        float[] sc = scales;
        int in = cols();
        for (int j = 0; j < n; j++) {
            int base = (o0 + j) * in;
            for (int k = 0, d = j; k < in; k++, d += NR) {
                dst[d] = q[base + k] * sc[(base + k) / BLOCK];
            }
        }
    }
}
