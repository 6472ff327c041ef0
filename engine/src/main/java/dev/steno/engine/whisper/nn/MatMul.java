package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;

import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * Matrix products with a weight {@link Matrix}, and the register-blocked micro-kernel that attention shares.
 *
 * <p>Matrix products use one design: the weight matrix is cut into panels of {@link #NR} output columns; a task packs
 * one panel, widened to float and transposed ({@code in x NR}, so f16 weights are converted once per panel and call,
 * not once per input row), then sweeps all input rows through a 6-row by 2-vector register-blocked micro-kernel
 * (12 accumulators, broadcasts of x, no horizontal reductions). A product with fewer than 6 input rows (a decoder
 * step) is memory bound and runs as matrix-vector products instead, reading each weight once and widening f16 in
 * registers.
 *
 * <p>Work buffers come from the per-thread {@link Scratch}; a matrix-vector call reuses its thread's task object, so
 * a decoder step allocates nothing (a blocked product allocates one small task object per call).
 */
public final class MatMul {
    /** Output columns per packed weight panel (two vectors). */
    public static final int NR = 2 * L;
    /** Input rows per micro-kernel call. */
    public static final int MR = 6;
    /** Weights (multiply-adds) below which a matrix-vector product runs on the calling thread alone. */
    static final int GEMV_SERIAL_WORK = 1 << 17;
    /** Output rows per matrix-vector task at least (a multiple of {@link Matrix#GEMV_ROWS}). */
    static final int GEMV_MIN_CHUNK = 64;
    /**
     * Matrix-vector tasks per thread: one, so that each thread reads its share as four long streams (more, shorter
     * tasks would balance better but cut the streams the prefetcher needs; a decoder step is memory bound).
     */
    static final int GEMV_TASKS_PER_THREAD = 1;
    private static final ThreadLocal<GemvJob> GEMV_JOB = ThreadLocal.withInitial(GemvJob::new);

    private MatMul() {
    }

    /**
     * {@code y[i][o] = sum_k x[i][k] * w[o][k] + bias[o]}: x is {@code n} rows of {@code w.cols()} values, y gets
     * {@code n} rows of {@code w.rows()} values.
     *
     * @param bias {@code w.rows()} values, or {@code null} for none
     */
    public static void matmul(ParallelLoop par, float[] x, int n, Matrix w, float[] bias, float[] y) {
        int in = w.cols();
        int out = w.rows();
        if (x.length < (long) n * in || y.length < (long) n * out || (bias != null && bias.length < out)) {
            throw new IllegalArgumentException("matmul: arrays too short for n=" + n + " " + out + "x" + in);
        }
        if (n <= 0) {
            return;
        }
        if (n < MR) {
            matvec(par, x, n, w, bias, y);
            return;
        }
        int panels = (out + NR - 1) / NR;
        par.forEach(panels, p -> {
            int o0 = p * NR;
            int cols = Math.min(NR, out - o0);
            float[] packed = Scratch.get(Scratch.PANEL, in * NR);
            w.pack(o0, cols, packed);
            zeroTail(packed, in, cols);
            gemmPanel(x, 0, in, n, in, packed, 0, cols, bias, o0, y, o0, out);
        });
    }

    /**
     * Matrix-vector products for {@code n < MR} input rows (a decoder step): memory bound, so the weights are read
     * once, straight from their storage, and widened in registers ({@link Matrix#gemvRows}). Output rows are split
     * into chunks for the parallel loop only when the product is large enough to repay a task hand-off.
     */
    static void matvec(ParallelLoop par, float[] x, int n, Matrix w, float[] bias, float[] y) {
        int out = w.rows();
        int chunk = gemvChunk(par, w, n);
        if (chunk >= out) {
            w.gemvRows(x, n, bias, y, 0, out);
            return;
        }
        GemvJob job = GEMV_JOB.get();
        job.x = x;
        job.n = n;
        job.w = w;
        job.bias = bias;
        job.y = y;
        job.chunk = chunk;
        try {
            par.forEach((out + chunk - 1) / chunk, job);
        } finally {
            job.x = null;
            job.w = null;
            job.bias = null;
            job.y = null;
        }
    }

    /**
     * {@code n} independent one-row products {@code y[i] = w x[i] + bias} in one pass over the weights, however many
     * rows (where {@link #matmul} switches to the blocked product from {@link #MR} rows on), each row bit for bit as
     * {@code matmul(par, x[i], 1, w, bias, y[i])} computes it: a batch of decoder steps of different sequences
     * (beams, sessions) gives each sequence the logits it would get alone.
     */
    public static void matvecRows(ParallelLoop par, float[] x, int n, Matrix w, float[] bias, float[] y) {
        int in = w.cols();
        int out = w.rows();
        if (x.length < (long) n * in || y.length < (long) n * out || (bias != null && bias.length < out)) {
            throw new IllegalArgumentException("matvecRows: arrays too short for n=" + n + " " + out + "x" + in);
        }
        if (n > 0) {
            matvec(par, x, n, w, bias, y);
        }
    }

    /** Output rows per matrix-vector task for {@code n} input rows; all rows when the product runs serially. */
    private static int gemvChunk(ParallelLoop par, Matrix w, int n) {
        int out = w.rows();
        long work = (long) out * w.cols() * n;
        if (work < GEMV_SERIAL_WORK || par.parallelism() <= 1) {
            return out;
        }
        int tasks = par.parallelism() * GEMV_TASKS_PER_THREAD;
        int chunk = Math.max(GEMV_MIN_CHUNK, (out + tasks - 1) / tasks);
        return (chunk + Matrix.GEMV_ROWS - 1) / Matrix.GEMV_ROWS * Matrix.GEMV_ROWS;
    }

    /** Packs {@code dst[k*NR + j] = src[off + (o0+j)*rowStride + k*colStride]} for j below cols, k below in. */
    static void packStrided(float[] src, int off, int rowStride, int colStride, int o0, int cols, int in,
                            float[] dst, int dstOff) {
        if (rowStride == 1) {
            for (int k = 0; k < in; k++) {
                System.arraycopy(src, off + o0 + k * colStride, dst, dstOff + k * NR, cols);
                for (int j = cols; j < NR; j++) {
                    dst[dstOff + k * NR + j] = 0f;
                }
            }
            return;
        }
        for (int j = 0; j < cols; j++) {
            int base = off + (o0 + j) * rowStride;
            for (int k = 0, d = dstOff + j; k < in; k++, d += NR) {
                dst[d] = src[base + k * colStride];
            }
        }
        if (cols < NR) {
            for (int k = 0; k < in; k++) {
                for (int j = cols; j < NR; j++) {
                    dst[dstOff + k * NR + j] = 0f;
                }
            }
        }
    }

    private static void zeroTail(float[] dst, int in, int cols) {
        if (cols < NR) {
            for (int k = 0; k < in; k++) {
                for (int j = cols; j < NR; j++) {
                    dst[k * NR + j] = 0f;
                }
            }
        }
    }

    /**
     * {@code y[yOff + r*yStride + j] = bias[biasOff+j] + sum_k x[xOff + r*xStride + k] * p[pOff + k*NR + j]} for r
     * below rows, j below cols ({@code bias} may be null). A partial panel goes through a scratch block so that the
     * micro-kernel itself has no masks and no data-dependent branches (C2 compiles it once, and keeps it compiled).
     */
    static void gemmPanel(float[] x, int xOff, int xStride, int rows, int in, float[] p, int pOff, int cols,
                          float[] bias, int biasOff, float[] y, int yOff, int yStride) {
        float[] b = Scratch.get(Scratch.BIAS, NR);
        if (bias == null) {
            Arrays.fill(b, 0, NR, 0f);
        } else {
            System.arraycopy(bias, biasOff, b, 0, cols);
            Arrays.fill(b, cols, NR, 0f);
        }
        if (cols == NR) {
            kernel(x, xOff, xStride, rows, in, p, pOff, b, y, yOff, yStride);
            return;
        }
        int block = 64 * MR;
        float[] tmp = Scratch.get(Scratch.PARTIAL, block * NR);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int n = Math.min(block, rows - r0);
            kernel(x, xOff + r0 * xStride, xStride, n, in, p, pOff, b, tmp, 0, NR);
            for (int r = 0; r < n; r++) {
                System.arraycopy(tmp, r * NR, y, yOff + (r0 + r) * yStride, cols);
            }
        }
    }

    private static void kernel(float[] x, int xOff, int xStride, int rows, int in, float[] p, int pOff, float[] b,
                               float[] y, int yOff, int yStride) {
        FloatVector b0 = FloatVector.fromArray(S, b, 0);
        FloatVector b1 = FloatVector.fromArray(S, b, L);
        int r = 0;
        for (; r + MR <= rows; r += MR) {
            int a0 = xOff + r * xStride;
            int a1 = a0 + xStride;
            int a2 = a1 + xStride;
            int a3 = a2 + xStride;
            int a4 = a3 + xStride;
            int a5 = a4 + xStride;
            FloatVector c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1;
            FloatVector c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1;
            for (int k = 0, pk = pOff; k < in; k++, pk += NR) {
                FloatVector w0 = FloatVector.fromArray(S, p, pk);
                FloatVector w1 = FloatVector.fromArray(S, p, pk + L);
                FloatVector a = FloatVector.broadcast(S, x[a0 + k]);
                c00 = a.fma(w0, c00);
                c01 = a.fma(w1, c01);
                a = FloatVector.broadcast(S, x[a1 + k]);
                c10 = a.fma(w0, c10);
                c11 = a.fma(w1, c11);
                a = FloatVector.broadcast(S, x[a2 + k]);
                c20 = a.fma(w0, c20);
                c21 = a.fma(w1, c21);
                a = FloatVector.broadcast(S, x[a3 + k]);
                c30 = a.fma(w0, c30);
                c31 = a.fma(w1, c31);
                a = FloatVector.broadcast(S, x[a4 + k]);
                c40 = a.fma(w0, c40);
                c41 = a.fma(w1, c41);
                a = FloatVector.broadcast(S, x[a5 + k]);
                c50 = a.fma(w0, c50);
                c51 = a.fma(w1, c51);
            }
            int o = yOff + r * yStride;
            c00.intoArray(y, o);
            c01.intoArray(y, o + L);
            o += yStride;
            c10.intoArray(y, o);
            c11.intoArray(y, o + L);
            o += yStride;
            c20.intoArray(y, o);
            c21.intoArray(y, o + L);
            o += yStride;
            c30.intoArray(y, o);
            c31.intoArray(y, o + L);
            o += yStride;
            c40.intoArray(y, o);
            c41.intoArray(y, o + L);
            o += yStride;
            c50.intoArray(y, o);
            c51.intoArray(y, o + L);
        }
        for (; r < rows; r++) {
            int a0 = xOff + r * xStride;
            FloatVector c00 = b0, c01 = b1;
            for (int k = 0, pk = pOff; k < in; k++, pk += NR) {
                FloatVector a = FloatVector.broadcast(S, x[a0 + k]);
                c00 = a.fma(FloatVector.fromArray(S, p, pk), c00);
                c01 = a.fma(FloatVector.fromArray(S, p, pk + L), c01);
            }
            int o = yOff + r * yStride;
            c00.intoArray(y, o);
            c01.intoArray(y, o + L);
        }
    }

    /**
     * The task of one {@link #matvec} call, reused per calling thread so that a decoder step allocates nothing (a
     * capturing lambda per call would). Its fields are published to helpers by the loop's hand-off.
     */
    private static final class GemvJob implements IntConsumer {
        float[] x;
        int n;
        Matrix w;
        float[] bias;
        float[] y;
        int chunk;

        @Override
        public void accept(int t) {
            w.gemvRows(x, n, bias, y, t * chunk, Math.min(w.rows(), (t + 1) * chunk));
        }
    }
}
