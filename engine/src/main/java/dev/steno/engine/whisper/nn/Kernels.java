package dev.steno.engine.whisper.nn;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The numeric kernels of Whisper inference, written with the Vector API and run on a shared {@link ParallelLoop}.
 *
 * <p>Matrix products use one design: the weight matrix is cut into panels of {@link #NR} output columns; a task packs
 * one panel, widened to float and transposed ({@code in x NR}, so f16 weights are converted once per panel and call,
 * not once per input row), then sweeps all input rows through a 6-row by 2-vector register-blocked micro-kernel
 * (12 accumulators, broadcasts of x, no horizontal reductions). A product with fewer than 6 input rows (a decoder
 * step) is memory bound and runs as matrix-vector products instead, reading each weight once and widening f16 in
 * registers.
 *
 * <p>Per-thread scratch buffers grow to the largest size seen and are then reused, so the kernels do not allocate
 * arrays after warm-up (only a few small task objects per call).
 */
public final class Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Ints of the same shape as {@link #S}, and shorts of the same lane count (half the bits). */
    static final VectorSpecies<Integer> SI = S.withLanes(int.class);
    static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    /** Bytes of the same lane count as {@link #S} (a q8_0 block is {@code 32 / L} of them). */
    static final VectorSpecies<Byte> SB = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    /** Keeps the sign (bit 31 after the sign-extending widening) and the shifted exponent and mantissa. */
    private static final int HALF_MASK = 0x8FFFE000;
    private static final float HALF_SCALE = 0x1p112f;
    /** Output columns per packed weight panel (two vectors). */
    public static final int NR = 2 * L;
    /** Input rows per micro-kernel call. */
    public static final int MR = 6;
    /** Layer-norm epsilon of Whisper (PyTorch's default, as whisper.cpp uses). */
    public static final float LN_EPS = 1e-5f;

    private static final float GELU_C0 = 0.7978845608028654f; // sqrt(2/pi)
    private static final float GELU_C1 = 0.7978845608028654f * 0.044715f;
    private static final int SLOTS = 5;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Kernels() {
    }

    static float[] scratch(int slot, int size) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < size) {
            // grow by half at least: batch sizes creep up a little at a time in streaming
            s[slot] = new float[Math.max(size, s[slot].length + s[slot].length / 2)];
        }
        return s[slot];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Matrix product

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
            float[] packed = scratch(0, in * NR);
            w.pack(o0, cols, packed);
            zeroTail(packed, in, cols);
            gemmPanel(x, 0, in, n, in, packed, 0, cols, bias, o0, y, o0, out);
        });
    }

    /** Weights (multiply-adds) below which a matrix-vector product runs on the calling thread alone. */
    static final int GEMV_SERIAL_WORK = 1 << 17;
    /** Output rows per matrix-vector task at least (a multiple of {@link Matrix#GEMV_ROWS}). */
    static final int GEMV_MIN_CHUNK = 64;
    /**
     * Matrix-vector tasks per thread: one, so that each thread reads its share as four long streams (more, shorter
     * tasks would balance better but cut the streams the prefetcher needs; a decoder step is memory bound).
     */
    static final int GEMV_TASKS_PER_THREAD = 1;

    /**
     * Matrix-vector products for {@code n < MR} input rows (a decoder step): memory bound, so the weights are read
     * once, straight from their storage, and widened in registers ({@link Matrix#gemvRange}); each pass dots
     * {@link Matrix#GEMV_ROWS} weight rows with one input vector so that its loads are shared. Output rows are split
     * into chunks for the parallel loop only when the product is large enough to repay a task hand-off.
     */
    static void matvec(ParallelLoop par, float[] x, int n, Matrix w, float[] bias, float[] y) {
        int in = w.cols();
        int out = w.rows();
        long work = (long) out * in * n;
        if (work < GEMV_SERIAL_WORK || par.parallelism() <= 1) {
            gemvRange(x, n, w, bias, y, 0, out);
            return;
        }
        int tasks = par.parallelism() * GEMV_TASKS_PER_THREAD;
        int chunk = Math.max(GEMV_MIN_CHUNK, (out + tasks - 1) / tasks);
        chunk = (chunk + Matrix.GEMV_ROWS - 1) / Matrix.GEMV_ROWS * Matrix.GEMV_ROWS;
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

    /** Output rows {@code [from, to)} of {@link #matvec}, for each of the {@code n} input rows. */
    static void gemvRange(float[] x, int n, Matrix w, float[] bias, float[] y, int from, int to) {
        int in = w.cols();
        int out = w.rows();
        for (int i = 0; i < n; i++) {
            w.gemvRange(x, i * in, bias, y, i * out, from, to);
        }
    }

    /**
     * Widens {@code L} binary16 values at {@code w[off]} to float in registers: the 15 magnitude bits shifted into a
     * float's exponent and mantissa give {@code value * 2^-112} (subnormals included) and one multiply by
     * {@code 2^112} rescales it exactly. Infinities and NaNs come out as large finite values, which weights never
     * hold. This is 1.7x faster than widening a row into a float buffer first.
     */
    static FloatVector widenHalf(short[] w, int off) {
        IntVector bits = (IntVector) ShortVector.fromArray(SH, w, off).convertShape(VectorOperators.S2I, SI, 0);
        return bits.lanewise(VectorOperators.LSHL, 13).and(HALF_MASK).reinterpretAsFloats().mul(HALF_SCALE);
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
        float[] b = scratch(3, NR);
        if (bias == null) {
            java.util.Arrays.fill(b, 0, NR, 0f);
        } else {
            System.arraycopy(bias, biasOff, b, 0, cols);
            java.util.Arrays.fill(b, cols, NR, 0f);
        }
        if (cols == NR) {
            kernel(x, xOff, xStride, rows, in, p, pOff, b, y, yOff, yStride);
            return;
        }
        int block = 64 * MR;
        float[] tmp = scratch(4, block * NR);
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

    /** Dot product of {@code len} values. */
    public static float dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int k = 0;
        for (; k + 2 * L <= len; k += 2 * L) {
            s0 = FloatVector.fromArray(S, a, ao + k).fma(FloatVector.fromArray(S, b, bo + k), s0);
            s1 = FloatVector.fromArray(S, a, ao + k + L).fma(FloatVector.fromArray(S, b, bo + k + L), s1);
        }
        for (; k + L <= len; k += L) {
            s0 = FloatVector.fromArray(S, a, ao + k).fma(FloatVector.fromArray(S, b, bo + k), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            s += a[ao + k] * b[bo + k];
        }
        return s;
    }

    /** {@code y[yo..] += alpha * x[xo..]} over {@code len} values. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int len) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int k = 0;
        for (; k + L <= len; k += L) {
            a.fma(FloatVector.fromArray(S, x, xo + k), FloatVector.fromArray(S, y, yo + k)).intoArray(y, yo + k);
        }
        for (; k < len; k++) {
            y[yo + k] += alpha * x[xo + k];
        }
    }

    /** {@code y[yo..] += x[xo..]} over {@code len} values. */
    public static void add(float[] x, int xo, float[] y, int yo, int len) {
        int k = 0;
        for (; k + L <= len; k += L) {
            FloatVector.fromArray(S, x, xo + k).add(FloatVector.fromArray(S, y, yo + k)).intoArray(y, yo + k);
        }
        for (; k < len; k++) {
            y[yo + k] += x[xo + k];
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Element-wise kernels

    /** Runs {@code body(from, to)} over {@code [0, n)} in chunks of about {@code grain}, in parallel. */
    public static void forRange(ParallelLoop par, int n, int grain, RangeBody body) {
        int tasks = Math.max(1, Math.min(par.parallelism() * 4, (n + grain - 1) / grain));
        if (tasks == 1) {
            body.run(0, n);
            return;
        }
        int chunk = (n + tasks - 1) / tasks;
        par.forEach(tasks, t -> body.run(t * chunk, Math.min(n, (t + 1) * chunk)));
    }

    /** A range task of {@link #forRange}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes {@code [from, to)}. */
        void run(int from, int to);
    }

    /**
     * Layer normalisation of {@code n} rows of {@code dim} values: {@code out = (x - mean) / sqrt(var + eps) * g + b}
     * ({@code out} may be {@code x}).
     */
    public static void layerNorm(ParallelLoop par, float[] x, int n, int dim, float[] g, float[] b, float[] out) {
        if ((long) n * dim <= 16384) {
            for (int r = 0; r < n; r++) {
                layerNormRow(x, r * dim, dim, g, b, out);
            }
            return;
        }
        forRange(par, n, Math.max(1, 16384 / dim), (from, to) -> {
            for (int r = from; r < to; r++) {
                layerNormRow(x, r * dim, dim, g, b, out);
            }
        });
    }

    static void layerNormRow(float[] x, int off, int dim, float[] g, float[] b, float[] out) {
        FloatVector sv = FloatVector.zero(S);
        int k = 0;
        for (; k + L <= dim; k += L) {
            sv = sv.add(FloatVector.fromArray(S, x, off + k));
        }
        float sum = sv.reduceLanes(VectorOperators.ADD);
        for (; k < dim; k++) {
            sum += x[off + k];
        }
        float mean = sum / dim;
        FloatVector mv = FloatVector.broadcast(S, mean);
        FloatVector qv = FloatVector.zero(S);
        k = 0;
        for (; k + L <= dim; k += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + k).sub(mv);
            qv = d.fma(d, qv);
        }
        float sq = qv.reduceLanes(VectorOperators.ADD);
        for (; k < dim; k++) {
            float d = x[off + k] - mean;
            sq += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(sq / dim + LN_EPS));
        FloatVector iv = FloatVector.broadcast(S, inv);
        k = 0;
        for (; k + L <= dim; k += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + k).sub(mv).mul(iv);
            d.fma(FloatVector.fromArray(S, g, k), FloatVector.fromArray(S, b, k)).intoArray(out, off + k);
        }
        for (; k < dim; k++) {
            out[off + k] = (x[off + k] - mean) * inv * g[k] + b[k];
        }
    }

    /**
     * GELU in place over {@code x[0 .. len)}, the tanh approximation that whisper.cpp's {@code ggml_gelu} computes:
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. (ggml reads it from a table indexed by the f16 value of
     * x; this evaluates it in float. OpenAI's PyTorch model uses the exact erf form; the two differ by under 1e-3.)
     */
    public static void gelu(ParallelLoop par, float[] x, int len) {
        if (len <= 16384) {
            geluRange(x, 0, len);
            return;
        }
        forRange(par, len, 16384, (from, to) -> geluRange(x, from, to));
    }

    static void geluRange(float[] x, int from, int to) {
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        FloatVector c0 = FloatVector.broadcast(S, GELU_C0);
        FloatVector c1 = FloatVector.broadcast(S, GELU_C1);
        int k = from;
        for (; k + L <= to; k += L) {
            FloatVector v = FloatVector.fromArray(S, x, k);
            FloatVector u = v.mul(v).fma(c1, c0).mul(v);
            FloatVector t = u.lanewise(VectorOperators.TANH);
            v.mul(half).fma(t, v.mul(half)).intoArray(x, k);
        }
        for (; k < to; k++) {
            x[k] = geluScalar(x[k]);
        }
    }

    /** Scalar GELU (tanh form). */
    public static float geluScalar(float v) {
        return 0.5f * v * (1f + (float) Math.tanh(GELU_C0 * v + GELU_C1 * v * v * v));
    }

    /** Softmax in place over {@code a[off .. off+len)}. */
    public static void softmax(float[] a, int off, int len) {
        float max = Float.NEGATIVE_INFINITY;
        int k = 0;
        if (len >= L) {
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; k + L <= len; k += L) {
                mv = mv.max(FloatVector.fromArray(S, a, off + k));
            }
            max = mv.reduceLanes(VectorOperators.MAX);
        }
        for (; k < len; k++) {
            max = Math.max(max, a[off + k]);
        }
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector sv = FloatVector.zero(S);
        k = 0;
        for (; k + L <= len; k += L) {
            FloatVector e = FloatVector.fromArray(S, a, off + k).sub(mv).lanewise(VectorOperators.EXP);
            e.intoArray(a, off + k);
            sv = sv.add(e);
        }
        float sum = sv.reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            float e = (float) Math.exp(a[off + k] - max);
            a[off + k] = e;
            sum += e;
        }
        FloatVector inv = FloatVector.broadcast(S, 1f / sum);
        k = 0;
        for (; k + L <= len; k += L) {
            FloatVector.fromArray(S, a, off + k).mul(inv).intoArray(a, off + k);
        }
        for (; k < len; k++) {
            a[off + k] /= sum;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Attention

    /** Reusable packing buffers of {@link #attention}; one per caller (not shared between threads). */
    public static final class AttentionScratch {
        float[] packedK = new float[0];
        float[] packedV = new float[0];
    }

    /**
     * Multi-head scaled dot-product attention: for each head h and query i,
     * {@code out[i][h*d + e] = sum_t softmax_t(q_i . k_t / sqrt(d)) v[t][h*d + e]}.
     *
     * <p>Query i is {@code q[i*qStride + h*d + e]}; key t's value e of head h is
     * {@code k[t*kTStride + (h*d + e)*kDStride]} (a key cache may be stored either way round); value t is
     * {@code v[t*vTStride + h*d + e]}.
     *
     * @param causalFrom a negative value for no mask, else query i sees keys {@code t <= causalFrom + i}
     * @param probs      {@code null}, or per head {@code null} or an array of {@code nq*nk} that receives the
     *                   softmax weights (masked keys get 0)
     */
    public static void attention(ParallelLoop par, int nHead, int dHead, float[] q, int qStride, int nq,
                                 float[] k, int kTStride, int kDStride, float[] v, int vTStride, int nk,
                                 int causalFrom, float[] out, int outStride, float[][] probs, AttentionScratch ws) {
        float scale = (float) (1.0 / Math.sqrt(dHead));
        if (nq < MR) {
            attentionFew(par, nHead, dHead, q, qStride, nq, k, kTStride, kDStride, v, vTStride, nk, causalFrom,
                    out, outStride, probs, scale);
            return;
        }
        int kPanels = (nk + NR - 1) / NR;
        int headK = kPanels * NR * dHead;
        int vPanels = (dHead + NR - 1) / NR;
        int headV = vPanels * NR * nk;
        if (ws.packedK.length < headK * nHead) {
            ws.packedK = new float[headK * nHead];
        }
        if (ws.packedV.length < headV * nHead) {
            ws.packedV = new float[headV * nHead];
        }
        float[] pk = ws.packedK;
        float[] pv = ws.packedV;
        par.forEach(nHead * (kPanels + vPanels), task -> {
            int h = task / (kPanels + vPanels);
            int p = task % (kPanels + vPanels);
            if (p < kPanels) {
                int t0 = p * NR;
                packStrided(k, h * dHead * kDStride, kTStride, kDStride, t0, Math.min(NR, nk - t0), dHead,
                        pk, h * headK + p * NR * dHead);
            } else {
                int e0 = (p - kPanels) * NR;
                packStrided(v, h * dHead, 1, vTStride, e0, Math.min(NR, dHead - e0), nk,
                        pv, h * headV + (p - kPanels) * NR * nk);
            }
        });
        int qb = MR * 4;
        int qBlocks = (nq + qb - 1) / qb;
        par.forEach(nHead * qBlocks, task -> {
            int h = task / qBlocks;
            int i0 = (task % qBlocks) * qb;
            int rows = Math.min(qb, nq - i0);
            float[] s = scratch(1, qb * nk);
            for (int p = 0; p < kPanels; p++) {
                int t0 = p * NR;
                gemmPanel(q, i0 * qStride + h * dHead, qStride, rows, dHead, pk, h * headK + p * NR * dHead,
                        Math.min(NR, nk - t0),
                        null, 0, s, t0, nk);
            }
            for (int r = 0; r < rows; r++) {
                int len = causalFrom < 0 ? nk : Math.min(nk, causalFrom + i0 + r + 1);
                scaleSoftmax(s, r * nk, len, nk, scale);
                if (probs != null && probs[h] != null) {
                    System.arraycopy(s, r * nk, probs[h], (i0 + r) * nk, nk);
                }
            }
            for (int p = 0; p < vPanels; p++) {
                int e0 = p * NR;
                gemmPanel(s, 0, nk, rows, nk, pv, h * headV + p * NR * nk, Math.min(NR, dHead - e0),
                        null, 0, out, i0 * outStride + h * dHead + e0, outStride);
            }
        });
    }

    private static void scaleSoftmax(float[] s, int off, int len, int nk, float scale) {
        FloatVector sv = FloatVector.broadcast(S, scale);
        int k = 0;
        for (; k + L <= len; k += L) {
            FloatVector.fromArray(S, s, off + k).mul(sv).intoArray(s, off + k);
        }
        for (; k < len; k++) {
            s[off + k] *= scale;
        }
        softmax(s, off, len);
        for (int t = len; t < nk; t++) {
            s[off + t] = 0f;
        }
    }

    /**
     * {@code s[t] = sum_e q[qo+e] * k[kOff + e*kDStride + t]} for t below len: one query against keys stored
     * transposed (a channel's values over time are contiguous), vectorised over time in blocks of four vectors that
     * stay in registers across the channels.
     */
    static void scoresTransposed(float[] q, int qo, int d, float[] k, int kOff, int kDStride, int len, float[] s) {
        int t = 0;
        for (; t + 4 * L <= len; t += 4 * L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int e = 0, ko = kOff + t; e < d; e++, ko += kDStride) {
                FloatVector qe = FloatVector.broadcast(S, q[qo + e]);
                c0 = FloatVector.fromArray(S, k, ko).fma(qe, c0);
                c1 = FloatVector.fromArray(S, k, ko + L).fma(qe, c1);
                c2 = FloatVector.fromArray(S, k, ko + 2 * L).fma(qe, c2);
                c3 = FloatVector.fromArray(S, k, ko + 3 * L).fma(qe, c3);
            }
            c0.intoArray(s, t);
            c1.intoArray(s, t + L);
            c2.intoArray(s, t + 2 * L);
            c3.intoArray(s, t + 3 * L);
        }
        for (; t + L <= len; t += L) {
            FloatVector c0 = FloatVector.zero(S);
            for (int e = 0, ko = kOff + t; e < d; e++, ko += kDStride) {
                c0 = FloatVector.fromArray(S, k, ko).fma(FloatVector.broadcast(S, q[qo + e]), c0);
            }
            c0.intoArray(s, t);
        }
        for (; t < len; t++) {
            float a = 0f;
            for (int e = 0, ko = kOff + t; e < d; e++, ko += kDStride) {
                a += q[qo + e] * k[ko];
            }
            s[t] = a;
        }
    }

    /**
     * {@code out[oo+e] = sum_t p[t] * v[vOff + t*vTStride + e]} for e below d: the attention-weighted sum of value
     * rows, up to four vectors of channels accumulated in registers over all t.
     */
    static void weightedSum(float[] p, int len, float[] v, int vOff, int vTStride, int d, float[] out, int oo) {
        int e = 0;
        for (; e + 4 * L <= d; e += 4 * L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                FloatVector pt = FloatVector.broadcast(S, p[t]);
                c0 = FloatVector.fromArray(S, v, vo).fma(pt, c0);
                c1 = FloatVector.fromArray(S, v, vo + L).fma(pt, c1);
                c2 = FloatVector.fromArray(S, v, vo + 2 * L).fma(pt, c2);
                c3 = FloatVector.fromArray(S, v, vo + 3 * L).fma(pt, c3);
            }
            c0.intoArray(out, oo + e);
            c1.intoArray(out, oo + e + L);
            c2.intoArray(out, oo + e + 2 * L);
            c3.intoArray(out, oo + e + 3 * L);
        }
        for (; e + L <= d; e += L) {
            FloatVector c0 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                c0 = FloatVector.fromArray(S, v, vo).fma(FloatVector.broadcast(S, p[t]), c0);
            }
            c0.intoArray(out, oo + e);
        }
        for (; e < d; e++) {
            float a = 0f;
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                a += p[t] * v[vo];
            }
            out[oo + e] = a;
        }
    }

    /**
     * Attention of {@code nq} queries over keys and values kept as binary16 (a decoder's cross-attention cache, as
     * whisper.cpp keeps it: half the bytes to stream per token): for each head h and query i,
     * {@code out[i*outStride + h*d + e] = sum_t softmax_t(q_i . k_t / sqrt(d)) v_t[h*d + e]}, with key t's channel c at
     * {@code kT[c*nk + t]} (transposed, so that the scores vectorise over time) and value t's channel e of head h at
     * {@code v[(h*nk + t)*d + e]} (head-major). Either way a head's keys and its values are each one contiguous
     * block, read front to back: a step is memory bound, and long sequential streams are what the prefetcher keeps
     * up with. Heads run in parallel; the queries of a head reuse its keys and values from cache.
     *
     * @param probs {@code null}, or per head {@code null} or an array of {@code nq*nk} that receives the weights
     */
    public static void attentionHalf(ParallelLoop par, int nHead, int dHead, float[] q, int qStride, int nq,
                                     short[] kT, short[] v, int nk, float[] out, int outStride,
                                     float[][] probs) {
        HalfAttentionJob job = HALF_ATTENTION_JOB.get();
        job.dHead = dHead;
        job.q = q;
        job.qStride = qStride;
        job.nq = nq;
        job.kT = kT;
        job.v = v;
        job.nk = nk;
        job.out = out;
        job.outStride = outStride;
        job.probs = probs;
        job.scale = (float) (1.0 / Math.sqrt(dHead));
        try {
            par.forEach(nHead, job);
        } finally {
            job.q = null;
            job.kT = null;
            job.v = null;
            job.out = null;
            job.probs = null;
        }
    }

    /**
     * {@code s[t] = sum_e q[qo+e] * k[kOff + e*len + t]} for t below len, binary16 keys: the d rows of one head are
     * one contiguous block, swept four rows a quarter of the block apart at a time (each pass adds into the scores,
     * which stay in L1). Four long forward streams keep more memory requests in flight than one; short rows side by
     * side would defeat the prefetcher.
     */
    static void scoresTransposedHalf(float[] q, int qo, int d, short[] k, int kOff, int len, float[] s) {
        java.util.Arrays.fill(s, 0, len, 0f);
        int tv = len - len % L;
        int st = d / 4;
        for (int e = 0; e < st; e++) {
            int k0 = kOff + e * len;
            int k1 = k0 + st * len;
            int k2 = k1 + st * len;
            int k3 = k2 + st * len;
            float q0 = q[qo + e];
            float q1 = q[qo + e + st];
            float q2 = q[qo + e + 2 * st];
            float q3 = q[qo + e + 3 * st];
            FloatVector v0 = FloatVector.broadcast(S, q0);
            FloatVector v1 = FloatVector.broadcast(S, q1);
            FloatVector v2 = FloatVector.broadcast(S, q2);
            FloatVector v3 = FloatVector.broadcast(S, q3);
            for (int t = 0; t < tv; t += L) {
                FloatVector acc = widenHalf(k, k0 + t).fma(v0, FloatVector.fromArray(S, s, t));
                acc = widenHalf(k, k1 + t).fma(v1, acc);
                acc = widenHalf(k, k2 + t).fma(v2, acc);
                widenHalf(k, k3 + t).fma(v3, acc).intoArray(s, t);
            }
            for (int t = tv; t < len; t++) {
                s[t] += q0 * Float.float16ToFloat(k[k0 + t]) + q1 * Float.float16ToFloat(k[k1 + t])
                        + q2 * Float.float16ToFloat(k[k2 + t]) + q3 * Float.float16ToFloat(k[k3 + t]);
            }
        }
        for (int e = 4 * st; e < d; e++) {
            int ko = kOff + e * len;
            float qs = q[qo + e];
            FloatVector qe = FloatVector.broadcast(S, qs);
            for (int t = 0; t < tv; t += L) {
                widenHalf(k, ko + t).fma(qe, FloatVector.fromArray(S, s, t)).intoArray(s, t);
            }
            for (int t = tv; t < len; t++) {
                s[t] += qs * Float.float16ToFloat(k[ko + t]);
            }
        }
    }

    /** As {@link #weightedSum} for binary16 values. */
    static void weightedSumHalf(float[] p, int len, short[] v, int vOff, int vTStride, int d, float[] out, int oo) {
        int e = 0;
        for (; e + 4 * L <= d; e += 4 * L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                FloatVector pt = FloatVector.broadcast(S, p[t]);
                c0 = widenHalf(v, vo).fma(pt, c0);
                c1 = widenHalf(v, vo + L).fma(pt, c1);
                c2 = widenHalf(v, vo + 2 * L).fma(pt, c2);
                c3 = widenHalf(v, vo + 3 * L).fma(pt, c3);
            }
            c0.intoArray(out, oo + e);
            c1.intoArray(out, oo + e + L);
            c2.intoArray(out, oo + e + 2 * L);
            c3.intoArray(out, oo + e + 3 * L);
        }
        for (; e + L <= d; e += L) {
            FloatVector c0 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                c0 = widenHalf(v, vo).fma(FloatVector.broadcast(S, p[t]), c0);
            }
            c0.intoArray(out, oo + e);
        }
        for (; e < d; e++) {
            float a = 0f;
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                a += p[t] * Float.float16ToFloat(v[vo]);
            }
            out[oo + e] = a;
        }
    }

    /** {@code dst[dOff + i] = binary16(src[sOff + i])} for i below len (round to nearest even). */
    public static void toHalf(float[] src, int sOff, short[] dst, int dOff, int len) {
        for (int i = 0; i < len; i++) {
            dst[dOff + i] = Float.floatToFloat16(src[sOff + i]);
        }
    }

    private static void attentionFew(ParallelLoop par, int nHead, int dHead, float[] q, int qStride, int nq,
                                     float[] k, int kTStride, int kDStride, float[] v, int vTStride, int nk,
                                     int causalFrom, float[] out, int outStride, float[][] probs, float scale) {
        if ((long) nk * dHead * nq < 32768 || par.parallelism() <= 1) {
            // a decoder step's self-attention: too small to hand off (and no task object to allocate)
            for (int h = 0; h < nHead; h++) {
                attendFew(h, dHead, q, qStride, nq, k, kTStride, kDStride, v, vTStride, nk, causalFrom, out,
                        outStride, probs, scale);
            }
            return;
        }
        par.forEach(nHead, h -> attendFew(h, dHead, q, qStride, nq, k, kTStride, kDStride, v, vTStride, nk,
                causalFrom, out, outStride, probs, scale));
    }

    private static void attendFew(int h, int dHead, float[] q, int qStride, int nq, float[] k, int kTStride,
                                  int kDStride, float[] v, int vTStride, int nk, int causalFrom, float[] out,
                                  int outStride, float[][] probs, float scale) {
        float[] s = scratch(1, nk);
        for (int i = 0; i < nq; i++) {
            int len = causalFrom < 0 ? nk : Math.min(nk, causalFrom + i + 1);
            int qo = i * qStride + h * dHead;
            if (kTStride == 1) {
                scoresTransposed(q, qo, dHead, k, h * dHead * kDStride, kDStride, len, s);
            } else if (kDStride == 1) {
                for (int t = 0; t < len; t++) {
                    s[t] = dot(q, qo, k, t * kTStride + h * dHead, dHead);
                }
            } else {
                for (int t = 0; t < len; t++) {
                    float a = 0f;
                    for (int e = 0; e < dHead; e++) {
                        a += q[qo + e] * k[t * kTStride + (h * dHead + e) * kDStride];
                    }
                    s[t] = a;
                }
            }
            scaleSoftmax(s, 0, len, nk, scale);
            if (probs != null && probs[h] != null) {
                System.arraycopy(s, 0, probs[h], i * nk, nk);
            }
            weightedSum(s, len, v, h * dHead, vTStride, dHead, out, i * outStride + h * dHead);
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
            gemvRange(x, n, w, bias, y, t * chunk, Math.min(w.rows(), (t + 1) * chunk));
        }
    }

    /** The task of one {@link #attentionHalf} call (one head per index), reused per calling thread. */
    private static final class HalfAttentionJob implements IntConsumer {
        int dHead;
        float[] q;
        int qStride;
        int nq;
        short[] kT;
        short[] v;
        int nk;
        float[] out;
        int outStride;
        float[][] probs;
        float scale;

        @Override
        public void accept(int h) {
            float[] s = scratch(1, nk);
            for (int i = 0; i < nq; i++) {
                scoresTransposedHalf(q, i * qStride + h * dHead, dHead, kT, h * dHead * nk, nk, s);
                scaleSoftmax(s, 0, nk, nk, scale);
                if (probs != null && probs[h] != null) {
                    System.arraycopy(s, 0, probs[h], i * nk, nk);
                }
                weightedSumHalf(s, nk, v, h * nk * dHead, dHead, dHead, out, i * outStride + h * dHead);
            }
        }
    }

    private static final ThreadLocal<GemvJob> GEMV_JOB = ThreadLocal.withInitial(GemvJob::new);
    private static final ThreadLocal<HalfAttentionJob> HALF_ATTENTION_JOB =
            ThreadLocal.withInitial(HalfAttentionJob::new);
}
