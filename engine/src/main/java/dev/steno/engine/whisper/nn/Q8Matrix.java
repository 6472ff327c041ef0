package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.SB;

import java.nio.ByteBuffer;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
    void gemvRange(float[] x, int xo, float[] bias, float[] y, int yo, int from, int to) {
        byte[] q = quants;
        float[] scale = scales;
        int in = cols();
        int blocks = in / BLOCK;
        int st = (to - from) / GEMV_ROWS;
        for (int o = from; o < from + st; o++) {
            int w0 = o * in;
            int b0 = w0 / BLOCK;
            int sb = st * blocks;
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int blk = 0; blk < blocks; blk++) {
                int k0 = blk * BLOCK;
                FloatVector p0 = FloatVector.zero(S);
                FloatVector p1 = FloatVector.zero(S);
                FloatVector p2 = FloatVector.zero(S);
                FloatVector p3 = FloatVector.zero(S);
                for (int k = k0; k < k0 + BLOCK; k += L) {
                    FloatVector xv = FloatVector.fromArray(S, x, xo + k);
                    p0 = widen(q, w0 + k).fma(xv, p0);
                    p1 = widen(q, w0 + st * in + k).fma(xv, p1);
                    p2 = widen(q, w0 + 2 * st * in + k).fma(xv, p2);
                    p3 = widen(q, w0 + 3 * st * in + k).fma(xv, p3);
                }
                c0 = p0.fma(FloatVector.broadcast(S, scale[b0 + blk]), c0);
                c1 = p1.fma(FloatVector.broadcast(S, scale[b0 + sb + blk]), c1);
                c2 = p2.fma(FloatVector.broadcast(S, scale[b0 + 2 * sb + blk]), c2);
                c3 = p3.fma(FloatVector.broadcast(S, scale[b0 + 3 * sb + blk]), c3);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            float s1 = c1.reduceLanes(VectorOperators.ADD);
            float s2 = c2.reduceLanes(VectorOperators.ADD);
            float s3 = c3.reduceLanes(VectorOperators.ADD);
            storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            int w0 = o * in;
            int b0 = w0 / BLOCK;
            FloatVector c0 = FloatVector.zero(S);
            for (int blk = 0; blk < blocks; blk++) {
                int k0 = blk * BLOCK;
                FloatVector p0 = FloatVector.zero(S);
                for (int k = k0; k < k0 + BLOCK; k += L) {
                    p0 = widen(q, w0 + k).fma(FloatVector.fromArray(S, x, xo + k), p0);
                }
                c0 = p0.fma(FloatVector.broadcast(S, scale[b0 + blk]), c0);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            y[yo + o] = bias == null ? s0 : s0 + bias[o];
        }
    }

    /** {@code L} int8 values at {@code q[off]}, widened to float in registers. */
    private static FloatVector widen(byte[] q, int off) {
        return (FloatVector) ByteVector.fromArray(SB, q, off).convertShape(VectorOperators.B2F, S, 0);
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
