package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * A weight matrix of {@code rows} rows of {@code cols} values, row-major, as ggml stores a 2-D tensor with
 * {@code ne = [cols, rows]} (a PyTorch Linear weight {@code [out, in]}), in one of three storage types:
 * {@link F32Matrix} (single precision), {@link F16Matrix} (IEEE binary16 bits, half the memory) and {@link Q8Matrix}
 * (ggml's q8_0: int8 values with one scale per 32). The values stay in their storage type and are widened to float
 * inside the kernels.
 *
 * <p>Each type owns the two kernels that read its storage: {@link #gemvRows}, the matrix-vector product of a decoder
 * step (memory bound, so the weights are read once and widened in registers), and {@link #pack}, which widens one
 * panel for the blocked product of {@link MatMul#matmul}. The product dispatches on the type once per range or
 * panel; the loops inside stay specialised to one storage type.
 *
 * <p>The data is copied from the mapped file into the heap: the Vector API of Java 21 reads heap arrays (its
 * MemorySegment access is a preview API there).
 */
public abstract sealed class Matrix permits F32Matrix, F16Matrix, Q8Matrix {
    /**
     * Weight rows one pass of {@link #gemvRows} dots with the same input vector: four row streams a quarter of the
     * range apart, each read front to back, because the hardware prefetcher follows long streams, not four short
     * rows side by side (which left each row waiting on memory latency).
     */
    static final int GEMV_ROWS = 4;
    /** Input rows one pass of {@link #gemvRows} dots with the same weight vectors at most (16 accumulators). */
    static final int GEMV_INPUTS = 4;

    private final int rows;
    private final int cols;

    Matrix(int rows, int cols, int length) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != length) {
            throw new IllegalArgumentException("bad matrix shape " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
    }

    /** Number of rows (outputs of a Linear layer). */
    public final int rows() {
        return rows;
    }

    /** Number of columns (inputs of a Linear layer). */
    public final int cols() {
        return cols;
    }

    /** One value, widened (dequantised) to float. */
    public abstract float get(int r, int c);

    /** Copies row {@code r}, widened to float, into {@code dst} at {@code off}. */
    public abstract void row(int r, float[] dst, int off);

    /**
     * {@code y[i*rows + o] = bias[o] + sum_k x[i*cols + k] * w[o][k]} for the {@code n} input rows i and the output
     * rows o in {@code [from, to)} ({@code bias} may be null): the matrix-vector products of a decoder step, one row
     * (a single step) or several (a batch of beams or sessions) in one pass over the weights. The rows are read as
     * {@link #GEMV_ROWS} long streams, each weight vector widened once and dotted with up to
     * {@link #GEMV_INPUTS} input rows while it is in a register.
     *
     * <p>Every output has its own accumulator, summed lane-wise over k in order and reduced by
     * {@link #storeSums}, whatever the batch size, the chunking or the stream it falls in: a row of a batch gets the
     * very bits it gets alone.
     */
    abstract void gemvRows(float[] x, int n, float[] bias, float[] y, int from, int to);

    /**
     * Writes the sums that a kernel body left in {@code acc}, one vector of lane sums per (weight row j, input row i)
     * at {@code (j*inputs + i) * L}: weight row {@code o + j*st}, input row {@code b0 + i}. The lanes are summed in
     * the fixed order of {@link VectorMath#sum}. Kept out of the bodies: inlining sixteen reductions into a body
     * exhausted the compiler's inlining budget, and a reduction that is not inlined boxes its vector.
     */
    static void storeSums(float[] acc, int streams, int inputs, float[] y, int out, int b0, float[] bias, int o,
                          int st) {
        for (int j = 0; j < streams; j++) {
            int row = o + j * st;
            for (int i = 0; i < inputs; i++) {
                float s = VectorMath.sum(FloatVector.fromArray(S, acc, (j * inputs + i) * L));
                y[(b0 + i) * out + row] = bias == null ? s : s + bias[row];
            }
        }
    }

    /** {@link #gemvRows} one value at a time, for rows that are not whole vectors (no Whisper shape). */
    final void gemvRowsScalar(float[] x, int n, float[] bias, float[] y, int from, int to) {
        int in = cols;
        for (int i = 0; i < n; i++) {
            for (int o = from; o < to; o++) {
                float s = 0;
                for (int k = 0; k < in; k++) {
                    s += x[i * in + k] * get(o, k);
                }
                y[i * rows + o] = bias == null ? s : s + bias[o];
            }
        }
    }

    /**
     * Packs rows {@code o0 .. o0+n-1}, transposed and widened: {@code dst[k*NR + j] = w[o0+j][k]} for j below n and
     * k below {@link #cols()}, with {@code NR} = {@link MatMul#NR}; columns n and up of the panel are left as they
     * are.
     */
    abstract void pack(int o0, int n, float[] dst);

    /** A little-endian view of {@code data} from its position (the caller's buffer keeps its position and order). */
    static ByteBuffer littleEndian(ByteBuffer data) {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
}
