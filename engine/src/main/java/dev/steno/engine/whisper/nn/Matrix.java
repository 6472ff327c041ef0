package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.LE;
import static dev.steno.engine.whisper.nn.VectorMath.S;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
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
 * <p>The values are read in place from a {@link MemorySegment} in the ggml file's byte layout, little-endian: a
 * segment of the mapped model file (no copy on the heap; the pages are shared with every process that maps the
 * file), or, for matrices made from Java arrays, an off-heap copy. ggml's legacy format does not align tensors, so
 * the scalar accesses use unaligned layouts (the vector loads are unaligned anyway). The kernels address values by
 * index through {@link VectorMath}'s segment loads, as they would an array.
 *
 * <p>Reading a segment instead of a heap array costs a one-row product a few percent, from the Vector API's bounds
 * check on each load. Its offset is a {@code long}; C2 takes the check out of the inner loop, but rewrites it into a
 * 32-bit one with saturating arithmetic (and a first iteration that keeps it) at every entry of that loop, so once
 * per {@link #GEMV_ROWS} weight rows for each row stream, where an array's {@code int} index costs a compare or two
 * before the loop. Measured with a one-row f16 product against main's array kernel (JDK 25, AVX-512, 2048x512 and
 * 384x384, same JVM, interleaved): 6 to 10 % slower; within 3 % either way with the Vector API's bounds checks
 * switched off ({@code -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0}: a diagnosis, not a setting to run with).
 * The segment's liveness check is hoisted out of both loops, the byte order folds away, and offsets in values
 * compile as offsets in bytes do. Loop shapes that enter the inner loop once per call (one loop over a whole row
 * stream, rows switched inside) were slower still: C2 does not unroll them, and unrolled by hand they outgrow its
 * inlining of the vector loads. The batched bodies (four or two input rows per pass over the weights) pay the
 * entry once for all their rows.
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

    /** One single-precision value at any byte offset. */
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    /** One binary16 value (its bits) at any byte offset. */
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private final int rows;
    private final int cols;
    /** The values in ggml's layout, exactly the matrix's bytes. */
    private final MemorySegment data;

    /**
     * @param rowBytes bytes of one stored row; {@code data} must hold exactly {@code rows} of them
     */
    Matrix(MemorySegment data, int rows, int cols, long rowBytes) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("bad matrix shape " + rows + "x" + cols);
        }
        if (data.byteSize() != rows * rowBytes) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix needs " + rows * rowBytes
                    + " bytes, got " + data.byteSize());
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /**
     * The values in ggml's layout, exactly the matrix's bytes (for the kernels of this package; each subclass says
     * how its values are laid out).
     */
    final MemorySegment segment() {
        return data;
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
    final void gemvRows(float[] x, int n, float[] bias, float[] y, int from, int to) {
        if (!vectorRows()) {
            gemvRowsScalar(x, n, bias, y, from, to);
            return;
        }
        int in = cols;
        float[] acc = Scratch.get(Scratch.SUMS, GEMV_ROWS * GEMV_INPUTS * L);
        long stride = rowStride();
        int st = (to - from) / GEMV_ROWS;
        long ws = st * stride;
        boolean four = widestPass() >= 4;
        for (int o = from; o < from + st; o++) {
            long w0 = o * stride;
            int b = 0;
            if (four) {
                for (; b + 4 <= n; b += 4) {
                    pass4x4(w0, ws, x, b * in, in, acc);
                    storeSums(acc, GEMV_ROWS, 4, y, rows, b, bias, o, st);
                }
            }
            for (; b + 2 <= n; b += 2) {
                pass4x2(w0, ws, x, b * in, in, acc);
                storeSums(acc, GEMV_ROWS, 2, y, rows, b, bias, o, st);
            }
            if (b < n) {
                pass4x1(w0, ws, x, b * in, in, acc);
                storeSums(acc, GEMV_ROWS, 1, y, rows, b, bias, o, st);
            }
        }
        for (int o = from + GEMV_ROWS * st; o < to; o++) {
            for (int b = 0; b < n; b++) {
                pass1x1(o * stride, x, b * in, in, acc);
                storeSums(acc, 1, 1, y, rows, b, bias, o, 0);
            }
        }
    }

    /** True when the kernel bodies can read the rows as whole vectors (else {@link #gemvRowsScalar} runs). */
    abstract boolean vectorRows();

    /** How far apart two rows lie in {@link #segment()}, in the unit the bodies address it by. */
    abstract long rowStride();

    /** Input rows one pass of this type's bodies takes at most: 4, or 2 where a pass needs more registers. */
    abstract int widestPass();

    /**
     * The kernel bodies, one set per storage type: weight rows {@code w0}, {@code w0+ws}, {@code w0+2ws},
     * {@code w0+3ws} (in {@link #rowStride()} units) against 4, 2 or 1 input rows ({@code in} values apart from
     * {@code x0}), leaving each pair's lane sums in {@code acc} for {@link #storeSums}.
     */
    abstract void pass4x4(long w0, long ws, float[] x, int x0, int in, float[] acc);

    /** See {@link #pass4x4}: two input rows. */
    abstract void pass4x2(long w0, long ws, float[] x, int x0, int in, float[] acc);

    /** See {@link #pass4x4}: one input row (a single decoder step). */
    abstract void pass4x1(long w0, long ws, float[] x, int x0, int in, float[] acc);

    /** One weight row at {@code w0} against one input row (a chunk's last rows). */
    abstract void pass1x1(long w0, float[] x, int x0, int in, float[] acc);


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

    /**
     * The first {@code bytes} bytes of {@code data} from its position, as a segment over the same memory (the
     * caller's buffer keeps its position).
     *
     * @throws IllegalArgumentException if fewer remain
     */
    static MemorySegment segment(ByteBuffer data, long bytes) {
        if (data.remaining() < bytes) {
            throw new IllegalArgumentException("needs " + bytes + " bytes, " + data.remaining() + " remain");
        }
        return MemorySegment.ofBuffer(data).asSlice(0, bytes);
    }

    /**
     * A copy of {@code rows * cols} values of {@code array} (a float[] or short[], its length {@code length}) stored
     * as {@code layout}, in a new segment ({@link #newSegment}): a matrix made from a Java array.
     */
    static MemorySegment copyOf(Object array, int length, ValueLayout layout, int rows, int cols) {
        if ((long) rows * cols != length) {
            throw new IllegalArgumentException("bad matrix shape " + rows + "x" + cols);
        }
        MemorySegment s = newSegment(layout.byteSize() * length);
        MemorySegment.copy(array, 0, s, layout, 0, length);
        return s;
    }

    /**
     * {@code bytes} zeroed bytes off the heap, freed once the matrix is unreachable: for matrices made from Java
     * arrays. Not a byte array's segment: the Vector API's loads from heap segments ran 20 to 28 times slower than
     * from native memory in the same kernels (JDK 25, f16 product of 51864x384 and 384x384).
     */
    static MemorySegment newSegment(long bytes) {
        return Arena.ofAuto().allocate(bytes, 64);
    }
}
