package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Normalisations: Whisper's layer norm over rows, and softmax over a span. */
public final class Norms {
    /** Layer-norm epsilon of Whisper (PyTorch's default, as whisper.cpp uses). */
    public static final float LN_EPS = 1e-5f;

    private Norms() {
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
        par.forRange(n, Math.max(1, 16384 / dim), (from, to) -> {
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
        float sum = VectorMath.sum(sv);
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
        float sq = VectorMath.sum(qv);
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
        float sum = VectorMath.sum(sv);
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
}
