package dev.steno.engine.whisper.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Kernels against straightforward scalar references (double accumulation). */
class KernelsTest {
    static final ForkJoinPool POOL = new ForkJoinPool(2);
    static final ParallelLoop PAR = ParallelLoop.of(POOL);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    static float[] rand(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    static short[] toF16(float[] a) {
        short[] s = new short[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = Float.floatToFloat16(a[i]);
        }
        return s;
    }

    static float[] refMatmul(float[] x, int n, Matrix w, float[] bias) {
        float[] y = new float[n * w.rows()];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < w.rows(); o++) {
                double s = bias == null ? 0 : bias[o];
                for (int k = 0; k < w.cols(); k++) {
                    s += (double) x[i * w.cols() + k] * w.get(o, k);
                }
                y[i * w.rows() + o] = (float) s;
            }
        }
        return y;
    }

    static double maxDiff(float[] a, float[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void matmulMatchesReferenceForF32AndF16AndOddShapes() {
        SplittableRandom r = new SplittableRandom(1);
        int[][] shapes = {{1, 64, 64}, {3, 100, 37}, {6, 64, 64}, {13, 70, 33}, {50, 384, 96}, {7, 5, 200}};
        for (int[] sh : shapes) {
            int n = sh[0], in = sh[1], out = sh[2];
            float[] x = rand(r, n * in, 1);
            float[] wv = rand(r, out * in, 0.5);
            float[] bias = rand(r, out, 1);
            for (Matrix w : new Matrix[] {new F32Matrix(wv, out, in), new F16Matrix(toF16(wv), out, in)}) {
                for (float[] b : new float[][] {bias, null}) {
                    float[] y = new float[n * out + 3];
                    y[n * out] = 42f;
                    MatMul.matmul(PAR, x, n, w, b, y);
                    float[] ref = refMatmul(x, n, w, b);
                    double d = maxDiff(y, ref, n * out);
                    assertTrue(d < 1e-4 * Math.sqrt(in), "shape " + n + "x" + in + "->" + out + " half="
                            + (w instanceof F16Matrix) + " diff " + d);
                    assertEquals(42f, y[n * out], "wrote past the output");
                }
            }
        }
    }

    @Test
    void layerNormMatchesReference() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 7, dim = 83;
        float[] x = rand(r, n * dim, 3);
        float[] g = rand(r, dim, 1);
        float[] b = rand(r, dim, 1);
        float[] y = new float[n * dim];
        Norms.layerNorm(PAR, x, n, dim, g, b, y);
        for (int i = 0; i < n; i++) {
            double mean = 0, var = 0;
            for (int k = 0; k < dim; k++) {
                mean += x[i * dim + k];
            }
            mean /= dim;
            for (int k = 0; k < dim; k++) {
                var += (x[i * dim + k] - mean) * (x[i * dim + k] - mean);
            }
            var /= dim;
            for (int k = 0; k < dim; k++) {
                double ref = (x[i * dim + k] - mean) / Math.sqrt(var + 1e-5) * g[k] + b[k];
                assertEquals(ref, y[i * dim + k], 1e-5);
            }
        }
    }

    @Test
    void geluIsTheTanhApproximation() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = rand(r, 1003, 6);
        float[] y = x.clone();
        Activations.gelu(PAR, y, y.length);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double ref = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            assertEquals(ref, y[i], 1e-5, "x=" + v);
        }
    }

    @Test
    void softmaxMatchesReference() {
        SplittableRandom r = new SplittableRandom(4);
        for (int len : new int[] {1, 5, 16, 37, 1500}) {
            float[] a = rand(r, len + 2, 10);
            float[] s = a.clone();
            Norms.softmax(s, 1, len);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 1; i <= len; i++) {
                max = Math.max(max, a[i]);
            }
            for (int i = 1; i <= len; i++) {
                sum += Math.exp(a[i] - max);
            }
            for (int i = 1; i <= len; i++) {
                assertEquals(Math.exp(a[i] - max) / sum, s[i], 1e-6);
            }
            assertEquals(a[0], s[0]);
            assertEquals(a[len + 1], s[len + 1]);
        }
    }

    /** Reference attention; key (t, c) is k[t*kt + c*kd]. */
    static float[] refAttention(int nHead, int d, float[] q, int nq, float[] k, int kt, int kd, float[] v, int nk,
                                int causalFrom, float[][] probs) {
        int ns = nHead * d;
        float[] out = new float[nq * ns];
        for (int h = 0; h < nHead; h++) {
            for (int i = 0; i < nq; i++) {
                int len = causalFrom < 0 ? nk : Math.min(nk, causalFrom + i + 1);
                double[] s = new double[len];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < len; t++) {
                    double a = 0;
                    for (int e = 0; e < d; e++) {
                        a += (double) q[i * ns + h * d + e] * k[t * kt + (h * d + e) * kd];
                    }
                    s[t] = a / Math.sqrt(d);
                    max = Math.max(max, s[t]);
                }
                double sum = 0;
                for (int t = 0; t < len; t++) {
                    s[t] = Math.exp(s[t] - max);
                    sum += s[t];
                }
                for (int t = 0; t < len; t++) {
                    s[t] /= sum;
                    if (probs != null && probs[h] != null) {
                        probs[h][i * nk + t] = (float) s[t];
                    }
                }
                for (int e = 0; e < d; e++) {
                    double a = 0;
                    for (int t = 0; t < len; t++) {
                        a += s[t] * v[t * ns + h * d + e];
                    }
                    out[i * ns + h * d + e] = (float) a;
                }
            }
        }
        return out;
    }

    @Test
    void attentionMatchesReferenceInBothPathsAndLayouts() {
        SplittableRandom r = new SplittableRandom(5);
        int nHead = 3, d = 40, ns = nHead * d;
        for (int nq : new int[] {1, 4, 31}) {
            for (int nk : new int[] {1, 9, 50}) {
                for (int causal : new int[] {-1, Math.max(0, nk - nq)}) {
                    for (boolean transposed : new boolean[] {false, true}) {
                        float[] q = rand(r, nq * ns, 1);
                        float[] k = rand(r, nk * ns, 1);
                        float[] v = rand(r, nk * ns, 1);
                        int kt = transposed ? 1 : ns;
                        int kd = transposed ? nk : 1;
                        float[][] refProbs = {null, new float[nq * nk], null};
                        float[] ref = refAttention(nHead, d, q, nq, k, kt, kd, v, nk, causal, refProbs);
                        float[][] probs = {null, new float[nq * nk], null};
                        float[] out = new float[nq * ns];
                        MultiHeadAttention.attention(PAR, new HeadLayout(nHead, d), new RowView(q, ns), nq,
                                new KeyValueView(k, kt, kd, v, ns), nk, causal, new RowView(out, ns), probs,
                                new AttentionScratch());
                        String what = "nq=" + nq + " nk=" + nk + " causal=" + causal + " t=" + transposed;
                        assertTrue(maxDiff(out, ref, out.length) < 1e-5, what + " " + maxDiff(out, ref, out.length));
                        assertTrue(maxDiff(probs[1], refProbs[1], nq * nk) < 1e-6, what);
                    }
                }
            }
        }
    }
}
