package dev.steno.engine.whisper.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A weight matrix of {@code rows} rows of {@code cols} values, row-major, as ggml stores a 2-D tensor with
 * {@code ne = [cols, rows]} (a PyTorch Linear weight {@code [out, in]}). Half-precision weights stay half precision
 * ({@code short[]} of IEEE binary16 bits, half the memory) and are widened to float inside the kernels;
 * single-precision weights are a {@code float[]}.
 *
 * <p>The data is copied from the mapped file into the heap: the Vector API of Java 21 reads heap arrays (its
 * MemorySegment access is a preview API there).
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    final short[] f16;
    final float[] f32;

    private Matrix(int rows, int cols, short[] f16, float[] f32) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != (f16 != null ? f16.length : f32.length)) {
            throw new IllegalArgumentException("bad matrix shape " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.f16 = f16;
        this.f32 = f32;
    }

    /** Wraps single-precision values (not copied). */
    public static Matrix ofF32(float[] data, int rows, int cols) {
        return new Matrix(rows, cols, null, data);
    }

    /** Wraps binary16 bit patterns (not copied). */
    public static Matrix ofF16(short[] data, int rows, int cols) {
        return new Matrix(rows, cols, data, null);
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

    /** One value, widened to float. */
    public float get(int r, int c) {
        int i = r * cols + c;
        return f16 != null ? Float.float16ToFloat(f16[i]) : f32[i];
    }

    /** Copies row {@code r}, widened to float, into {@code dst} at {@code off}. */
    public void row(int r, float[] dst, int off) {
        int base = r * cols;
        if (f16 != null) {
            short[] s = f16;
            for (int c = 0; c < cols; c++) {
                dst[off + c] = Float.float16ToFloat(s[base + c]);
            }
        } else {
            System.arraycopy(f32, base, dst, off, cols);
        }
    }
}
