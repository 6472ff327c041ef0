package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.widenQ8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A {@link Matrix} in ggml's q8_0 format: each row is blocks of {@link #BLOCK} values, a block being a binary16 scale
 * followed by its 32 int8 values ({@link #BLOCK_BYTES} bytes); value i of a block is {@code quants[i] * scale}. The
 * columns must be whole blocks.
 */
public final class Q8Matrix extends Matrix {
    /** Values per q8_0 block (ggml's QK8_0). */
    public static final int BLOCK = 32;
    /** Bytes per q8_0 block: the binary16 scale, then the int8 values. */
    public static final int BLOCK_BYTES = 2 + BLOCK;

    /** Reads {@code rows * cols} values in ggml's q8_0 blocks in place from {@code data} (not copied). */
    public Q8Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, checkBlocks(cols), (long) cols / BLOCK * BLOCK_BYTES);
    }

    /**
     * Copies q8_0 values into ggml's block layout: value i is {@code quants[i] * scales[i / 32]}, each scale rounded to
     * binary16 as ggml stores it; {@code cols} must be a multiple of 32.
     */
    public Q8Matrix(byte[] quants, float[] scales, int rows, int cols) {
        this(blocks(quants, scales, rows, cols), rows, cols);
    }

    /** Reads {@code rows * cols} values in ggml's q8_0 blocks in place from {@code data}'s position (not copied). */
    public static Q8Matrix read(ByteBuffer data, int rows, int cols) {
        return new Q8Matrix(segment(data, (long) rows * (checkBlocks(cols) / BLOCK) * BLOCK_BYTES), rows, cols);
    }

    private static int checkBlocks(int cols) {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("q8_0 rows of " + cols + " values are not whole blocks");
        }
        return cols;
    }

    private static MemorySegment blocks(byte[] quants, float[] scales, int rows, int cols) {
        if ((long) rows * cols != quants.length || checkBlocks(cols) > 0 && scales.length != quants.length / BLOCK) {
            throw new IllegalArgumentException("q8_0 matrix " + rows + "x" + cols + " needs rows of whole "
                    + BLOCK + "-value blocks and one scale per block");
        }
        MemorySegment s = newSegment((long) scales.length * BLOCK_BYTES);
        for (int blk = 0; blk < scales.length; blk++) {
            long at = (long) blk * BLOCK_BYTES;
            s.set(F16, at, Float.floatToFloat16(scales[blk]));
            MemorySegment.copy(quants, blk * BLOCK, s, ValueLayout.JAVA_BYTE, at + 2, BLOCK);
        }
        return s;
    }

    /** Byte offset in {@link #segment()} of the block holding value {@code (r, c)}: its scale, then its quants. */
    long blockAt(int r, int c) {
        return ((long) r * (cols() / BLOCK) + c / BLOCK) * BLOCK_BYTES;
    }

    /** The scale of the block at byte {@code block}, widened. */
    float scale(long block) {
        return Float.float16ToFloat(segment().get(F16, block));
    }

    @Override
    public float get(int r, int c) {
        long b = blockAt(r, c);
        return segment().get(ValueLayout.JAVA_BYTE, b + 2 + c % BLOCK) * scale(b);
    }

    @Override
    public void row(int r, float[] dst, int off) {
        MemorySegment q = segment();
        int cols = cols();
        for (int c0 = 0; c0 < cols; c0 += BLOCK) {
            long b = blockAt(r, c0);
            float sc = scale(b);
            for (int i = 0; i < BLOCK; i++) {
                dst[off + c0 + i] = q.get(ValueLayout.JAVA_BYTE, b + 2 + i) * sc;
            }
        }
    }

    /**
     * Per block, the int8 values are widened to float in registers and dotted with x, and the block's sum is scaled
     * once; four rows share the x loads.
     */
    @Override
    void gemvRange(float[] x, int xo, float[] bias, float[] y, int yo, int from, int to) {
        MemorySegment q = segment();
        int in = cols();
        int blocks = in / BLOCK;
        long rowBytes = (long) blocks * BLOCK_BYTES;
        int st = (to - from) / GEMV_ROWS;
        long sb = st * rowBytes;
        for (int o = from; o < from + st; o++) {
            long r0 = o * rowBytes;
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int blk = 0; blk < blocks; blk++) {
                int k0 = blk * BLOCK;
                long b0 = r0 + (long) blk * BLOCK_BYTES;
                FloatVector p0 = FloatVector.zero(S);
                FloatVector p1 = FloatVector.zero(S);
                FloatVector p2 = FloatVector.zero(S);
                FloatVector p3 = FloatVector.zero(S);
                for (int k = 0; k < BLOCK; k += L) {
                    FloatVector xv = FloatVector.fromArray(S, x, xo + k0 + k);
                    long qk = b0 + 2 + k;
                    p0 = widenQ8(q, qk).fma(xv, p0);
                    p1 = widenQ8(q, qk + sb).fma(xv, p1);
                    p2 = widenQ8(q, qk + 2 * sb).fma(xv, p2);
                    p3 = widenQ8(q, qk + 3 * sb).fma(xv, p3);
                }
                c0 = p0.fma(FloatVector.broadcast(S, scale(b0)), c0);
                c1 = p1.fma(FloatVector.broadcast(S, scale(b0 + sb)), c1);
                c2 = p2.fma(FloatVector.broadcast(S, scale(b0 + 2 * sb)), c2);
                c3 = p3.fma(FloatVector.broadcast(S, scale(b0 + 3 * sb)), c3);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            float s1 = c1.reduceLanes(VectorOperators.ADD);
            float s2 = c2.reduceLanes(VectorOperators.ADD);
            float s3 = c3.reduceLanes(VectorOperators.ADD);
            storeRows(y, yo, bias, o, st, s0, s1, s2, s3);
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            long r0 = o * rowBytes;
            FloatVector c0 = FloatVector.zero(S);
            for (int blk = 0; blk < blocks; blk++) {
                int k0 = blk * BLOCK;
                long b0 = r0 + (long) blk * BLOCK_BYTES;
                FloatVector p0 = FloatVector.zero(S);
                for (int k = 0; k < BLOCK; k += L) {
                    p0 = widenQ8(q, b0 + 2 + k).fma(FloatVector.fromArray(S, x, xo + k0 + k), p0);
                }
                c0 = p0.fma(FloatVector.broadcast(S, scale(b0)), c0);
            }
            float s0 = c0.reduceLanes(VectorOperators.ADD);
            y[yo + o] = bias == null ? s0 : s0 + bias[o];
        }
    }

    @Override
    void pack(int o0, int n, float[] dst) {
        MemorySegment q = segment();
        int in = cols();
        for (int j = 0; j < n; j++) {
            for (int c0 = 0; c0 < in; c0 += BLOCK) {
                long b = blockAt(o0 + j, c0);
                float sc = scale(b);
                for (int i = 0, d = c0 * NR + j; i < BLOCK; i++, d += NR) {
                    dst[d] = q.get(ValueLayout.JAVA_BYTE, b + 2 + i) * sc;
                }
            }
        }
    }
}
