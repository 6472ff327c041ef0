package dev.steno.engine.whisper.decode;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Log-probabilities straight from logits, without materialising the softmax: {@code logprob(i) = logit(i) - lse}.
 * Sums run in double so that 50k-entry vocabularies lose no precision; {@code -inf} (suppressed) entries count as
 * probability zero.
 */
public final class LogProbs {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private LogProbs() {
    }

    /**
     * {@code log(sum(exp(logits[from..to))))}; {@code -inf} when every entry is {@code -inf}. Vectorised: it runs once
     * per decoded token over the whole vocabulary (a scalar loop of {@code Math.exp} costs ~0.3 ms there). Lanes sum in
     * float (each term is at most 1), lanes and the tail are combined in double.
     */
    public static double logSumExp(float[] logits, int from, int to) {
        float max = max(logits, from, to);
        if (max == Float.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, logits, i).sub(max).lanewise(VectorOperators.EXP));
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            sum += Math.exp(logits[i] - max);
        }
        return max + Math.log(sum);
    }

    private static float max(float[] v, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        float max = Float.NEGATIVE_INFINITY;
        if (bound > from) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += S.length()) {
                m = m.max(FloatVector.fromArray(S, v, i));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < to; i++) {
            max = Math.max(max, v[i]);
        }
        return max;
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
