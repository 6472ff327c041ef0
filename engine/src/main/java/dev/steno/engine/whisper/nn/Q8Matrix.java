package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.widenQ8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

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

    /** The scale of the block at byte {@code block} of q, widened. */
    static float scale(MemorySegment q, long block) {
        return Float.float16ToFloat(q.get(F16, block));
    }

    @Override
    public float get(int r, int c) {
        long b = blockAt(r, c);
        return segment().get(ValueLayout.JAVA_BYTE, b + 2 + c % BLOCK) * scale(segment(), b);
    }

    @Override
    public void row(int r, float[] dst, int off) {
        MemorySegment q = segment();
        int cols = cols();
        for (int c0 = 0; c0 < cols; c0 += BLOCK) {
            long b = blockAt(r, c0);
            float sc = scale(q, b);
            for (int i = 0; i < BLOCK; i++) {
                dst[off + c0 + i] = q.get(ValueLayout.JAVA_BYTE, b + 2 + i) * sc;
            }
        }
    }

    /**
     * Per block, the int8 values are widened to float in registers and dotted with x, and the block's sum is scaled
     * once; four rows share the x loads. The bodies address the weights by the byte offset of a row stream's block
     * ({@code BLOCK_BYTES} per block, the quants 2 bytes in).
     */
    @Override
    boolean vectorRows() {
        return BLOCK % L == 0;
    }

    @Override
    long rowStride() {
        return (long) (cols() / BLOCK) * BLOCK_BYTES;
    }

    /** Two input rows per pass, not four: each pair needs a block sum and a running sum. */
    @Override
    int widestPass() {
        return 2;
    }

    @Override
    void pass4x4(long w0, long ws, float[] x, int x0, int in, float[] acc) {
        throw new UnsupportedOperationException("q8_0 passes take two input rows at most");
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

    /**
     * Four weight row streams ({@code ws} bytes apart, from byte {@code w0}) against two input rows: per block, each
     * pair's int8 products are summed and the sum scaled once.
     */
    private static void dot4x2(MemorySegment q, long w0, long ws, float[] x, int x0, int in, float[] acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        long w1 = w0 + ws;
        long w2 = w1 + ws;
        long w3 = w2 + ws;
        int x1 = x0 + in;
        for (int k0 = 0; k0 < in; k0 += BLOCK) {
            long blk = (long) (k0 / BLOCK) * BLOCK_BYTES;
            FloatVector p00 = FloatVector.zero(S), p01 = p00, p10 = p00, p11 = p00;
            FloatVector p20 = p00, p21 = p00, p30 = p00, p31 = p00;
            for (int k = 0; k < BLOCK; k += L) {
                long qk = blk + 2 + k;
                FloatVector v0 = widenQ8(q, w0 + qk);
                FloatVector v1 = widenQ8(q, w1 + qk);
                FloatVector v2 = widenQ8(q, w2 + qk);
                FloatVector v3 = widenQ8(q, w3 + qk);
                FloatVector xv = FloatVector.fromArray(S, x, x0 + k0 + k);
                p00 = v0.fma(xv, p00);
                p10 = v1.fma(xv, p10);
                p20 = v2.fma(xv, p20);
                p30 = v3.fma(xv, p30);
                xv = FloatVector.fromArray(S, x, x1 + k0 + k);
                p01 = v0.fma(xv, p01);
                p11 = v1.fma(xv, p11);
                p21 = v2.fma(xv, p21);
                p31 = v3.fma(xv, p31);
            }
            FloatVector d0 = FloatVector.broadcast(S, scale(q, w0 + blk));
            FloatVector d1 = FloatVector.broadcast(S, scale(q, w1 + blk));
            FloatVector d2 = FloatVector.broadcast(S, scale(q, w2 + blk));
            FloatVector d3 = FloatVector.broadcast(S, scale(q, w3 + blk));
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
    private static void dot4x1(MemorySegment q, long w0, long ws, float[] x, int x0, int in, float[] acc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        long w1 = w0 + ws;
        long w2 = w1 + ws;
        long w3 = w2 + ws;
        for (int k0 = 0; k0 < in; k0 += BLOCK) {
            long blk = (long) (k0 / BLOCK) * BLOCK_BYTES;
            FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0;
            for (int k = 0; k < BLOCK; k += L) {
                long qk = blk + 2 + k;
                FloatVector xv = FloatVector.fromArray(S, x, x0 + k0 + k);
                p0 = widenQ8(q, w0 + qk).fma(xv, p0);
                p1 = widenQ8(q, w1 + qk).fma(xv, p1);
                p2 = widenQ8(q, w2 + qk).fma(xv, p2);
                p3 = widenQ8(q, w3 + qk).fma(xv, p3);
            }
            c0 = p0.fma(FloatVector.broadcast(S, scale(q, w0 + blk)), c0);
            c1 = p1.fma(FloatVector.broadcast(S, scale(q, w1 + blk)), c1);
            c2 = p2.fma(FloatVector.broadcast(S, scale(q, w2 + blk)), c2);
            c3 = p3.fma(FloatVector.broadcast(S, scale(q, w3 + blk)), c3);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
    }

    /** One weight row against one input row (a chunk's last rows). */
    private static void dot1x1(MemorySegment q, long w0, float[] x, int x0, int in, float[] acc) {
        FloatVector c0 = FloatVector.zero(S);
        for (int k0 = 0; k0 < in; k0 += BLOCK) {
            long blk = w0 + (long) (k0 / BLOCK) * BLOCK_BYTES;
            FloatVector p0 = FloatVector.zero(S);
            for (int k = 0; k < BLOCK; k += L) {
                p0 = widenQ8(q, blk + 2 + k).fma(FloatVector.fromArray(S, x, x0 + k0 + k), p0);
            }
            c0 = p0.fma(FloatVector.broadcast(S, scale(q, blk)), c0);
        }
        c0.intoArray(acc, 0);
    }

    @Override
    void pack(int o0, int n, float[] dst) {
        MemorySegment q = segment();
        int in = cols();
        for (int j = 0; j < n; j++) {
            for (int c0 = 0; c0 < in; c0 += BLOCK) {
                long b = blockAt(o0 + j, c0);
                float sc = scale(q, b);
                for (int i = 0, d = c0 * NR + j; i < BLOCK; i++, d += NR) {
                    dst[d] = q.get(ValueLayout.JAVA_BYTE, b + 2 + i) * sc;
                }
            }
        }
    }
}
