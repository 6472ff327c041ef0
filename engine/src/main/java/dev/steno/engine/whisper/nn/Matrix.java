package dev.steno.engine.whisper.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A weight matrix of {@code rows} rows of {@code cols} values, row-major, as ggml stores a 2-D tensor with
 * {@code ne = [cols, rows]} (a PyTorch Linear weight {@code [out, in]}). Half-precision weights stay half precision
 * ({@code short[]} of IEEE binary16 bits, half the memory) and are widened to float inside the kernels;
 * single-precision weights are a {@code float[]}; q8_0 weights stay int8 with one scale per 32 values.
 *
 * <p>The data is copied from the mapped file into the heap: the Vector API of Java 21 reads heap arrays (its
 * MemorySegment access is a preview API there).
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    /** Values per q8_0 block (ggml's QK8_0). */
    public static final int Q8_BLOCK = 32;
    final short[] f16;
    final float[] f32;
    /** q8_0: the int8 values, row-major; value i is {@code q8[i] * q8Scale[i / 32]}. */
    final byte[] q8;
    final float[] q8Scale;

    private Matrix(int rows, int cols, short[] f16, float[] f32, byte[] q8, float[] q8Scale) {
        long n = (long) rows * cols;
        long len = f16 != null ? f16.length : f32 != null ? f32.length : q8.length;
        if (rows <= 0 || cols <= 0 || n != len) {
            throw new IllegalArgumentException("bad matrix shape " + rows + "x" + cols);
        }
        if (q8 != null && (cols % Q8_BLOCK != 0 || q8Scale.length != n / Q8_BLOCK)) {
            throw new IllegalArgumentException("q8_0 matrix " + rows + "x" + cols + " needs rows of whole "
                    + Q8_BLOCK + "-value blocks and one scale per block");
        }
        this.rows = rows;
        this.cols = cols;
        this.f16 = f16;
        this.f32 = f32;
        this.q8 = q8;
        this.q8Scale = q8Scale;
    }

    /** Wraps single-precision values (not copied). */
    public static Matrix ofF32(float[] data, int rows, int cols) {
        return new Matrix(rows, cols, null, data, null, null);
    }

    /** Wraps binary16 bit patterns (not copied). */
    public static Matrix ofF16(short[] data, int rows, int cols) {
        return new Matrix(rows, cols, data, null, null, null);
    }

    /**
     * Wraps q8_0 values (not copied): value i is {@code quants[i] * scales[i / 32]}; {@code cols} must be a multiple of
     * 32.
     */
    public static Matrix ofQ8(byte[] quants, float[] scales, int rows, int cols) {
        return new Matrix(rows, cols, null, null, quants, scales);
    }

    /**
     * Reads {@code rows * cols} values in ggml's q8_0 blocks (an f16 scale, then 32 int8) from {@code data}'s
     * position; the scales are widened to float (an eighth of a byte per value).
     */
    public static Matrix readQ8(ByteBuffer data, int rows, int cols) {
        if (cols % Q8_BLOCK != 0) {
            throw new IllegalArgumentException("q8_0 rows of " + cols + " values are not whole blocks");
        }
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.multiplyExact(rows, cols);
        byte[] q = new byte[n];
        float[] scale = new float[n / Q8_BLOCK];
        for (int blk = 0; blk < scale.length; blk++) {
            scale[blk] = Float.float16ToFloat(b.getShort());
            b.get(q, blk * Q8_BLOCK, Q8_BLOCK);
        }
        return ofQ8(q, scale, rows, cols);
    }

    /** Reads {@code rows * cols} little-endian values of the given precision from {@code data}'s position. */
    public static Matrix read(ByteBuffer data, boolean half, int rows, int cols) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.multiplyExact(rows, cols);
        if (half) {
            short[] s = new short[n];
            b.asShortBuffer().get(s);
            return ofF16(s, rows, cols);
        }
        float[] f = new float[n];
        b.asFloatBuffer().get(f);
        return ofF32(f, rows, cols);
    }

    /** Number of rows (outputs of a Linear layer). */
    public int rows() {
        return rows;
    }

    /** Number of columns (inputs of a Linear layer). */
    public int cols() {
        return cols;
    }

    /** Whether the values are stored as binary16. */
    public boolean half() {
        return f16 != null;
    }

    /** Whether the values are stored as q8_0 blocks. */
    public boolean q8() {
        return q8 != null;
    }

    /** One value, widened (dequantised) to float. */
    public float get(int r, int c) {
        int i = r * cols + c;
        if (q8 != null) {
            return q8[i] * q8Scale[i / Q8_BLOCK];
        }
        return f16 != null ? Float.float16ToFloat(f16[i]) : f32[i];
    }

    /** Copies row {@code r}, widened to float, into {@code dst} at {@code off}. */
    public void row(int r, float[] dst, int off) {
        int base = r * cols;
        if (q8 != null) {
            for (int c = 0; c < cols; c++) {
                dst[off + c] = q8[base + c] * q8Scale[(base + c) / Q8_BLOCK];
            }
        } else if (f16 != null) {
            short[] s = f16;
            for (int c = 0; c < cols; c++) {
                dst[off + c] = Float.float16ToFloat(s[base + c]);
            }
        } else {
            System.arraycopy(f32, base, dst, off, cols);
        }
    }
}
