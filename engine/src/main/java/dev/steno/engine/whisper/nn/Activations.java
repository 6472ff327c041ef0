package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Whisper's activation function, GELU. */
public final class Activations {
    private static final float GELU_C0 = 0.7978845608028654f; // sqrt(2/pi)
    private static final float GELU_C1 = 0.7978845608028654f * 0.044715f;

    private Activations() {
    }

    /**
     * GELU in place over {@code x[0 .. len)}, the tanh approximation that whisper.cpp's {@code ggml_gelu} computes:
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. (ggml reads it from a table indexed by the f16 value of
     * x; this evaluates it in float. OpenAI's PyTorch model uses the exact erf form; the two differ by under 1e-3.)
     */
    public static void gelu(ParallelLoop par, float[] x, int len) {
        gelu(par, x, 0, len);
    }

    /** As {@link #gelu(ParallelLoop, float[], int)} over {@code x[off .. off+len)}. */
    public static void gelu(ParallelLoop par, float[] x, int off, int len) {
        if (len <= 16384) {
            geluRange(x, off, off + len);
            return;
        }
        par.forRange(len, 16384, (from, to) -> geluRange(x, off + from, off + to));
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
}
