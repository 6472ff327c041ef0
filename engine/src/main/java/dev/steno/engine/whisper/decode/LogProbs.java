package dev.steno.engine.whisper.decode;

/**
 * Log-probabilities straight from logits, without materialising the softmax: {@code logprob(i) = logit(i) - lse}.
 * Sums run in double so that 50k-entry vocabularies lose no precision; {@code -inf} (suppressed) entries count as
 * probability zero.
 */
public final class LogProbs {
    private LogProbs() {
    }

    /** {@code log(sum(exp(logits[from..to))))}; {@code -inf} when every entry is {@code -inf}. */
    public static double logSumExp(float[] logits, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            if (logits[i] > max) {
                max = logits[i];
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.exp(logits[i] - max);
        }
        return max + Math.log(sum);
    }

    /** {@link #logSumExp(float[], int, int)} over the whole array. */
    public static double logSumExp(float[] logits) {
        return logSumExp(logits, 0, logits.length);
    }

    /** The softmax probability of {@code index}. */
    public static double probability(float[] logits, int index) {
        return Math.exp(logits[index] - logSumExp(logits));
    }

    /** Index of the largest value; the lowest index wins ties (as whisper.cpp's and NumPy's argmax). */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
