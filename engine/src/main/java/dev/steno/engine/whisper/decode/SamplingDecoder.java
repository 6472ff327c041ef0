package dev.steno.engine.whisper.decode;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sequential decoding of one hypothesis: the argmax at temperature 0 (greedy), otherwise a token drawn from
 * {@code softmax(logits / T)} after the filters (whisper.cpp scales before filtering). Log-probabilities are those of
 * the scaled, filtered distribution, as whisper.cpp sums them. Reuses its buffers: one instance per thread.
 */
public final class SamplingDecoder {
    private final LogitFilters filters;
    private final int eot;
    private final int maxTokens;
    private final int[] tokens;
    private float[] work = new float[0];

    /**
     * @param filters   the logit filters of this decoding
     * @param eot       end-of-text id
     * @param maxTokens most tokens sampled per window (end-of-text not counted)
     */
    public SamplingDecoder(LogitFilters filters, int eot, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1: " + maxTokens);
        }
        this.filters = filters;
        this.eot = eot;
        this.maxTokens = maxTokens;
        this.tokens = new int[maxTokens];
    }

    /**
     * Decodes from {@code state}, which holds the prompt and no sampled tokens, and whose next-token logits are
     * {@code initialLogits} (not modified). The state is left holding the sampled tokens.
     *
     * @param random   the sampler (unused at temperature 0)
     * @param observer sees every step, or null
     */
    public DecodedSequence decode(DecodingState state, float[] initialLogits, double temperature,
                                  SplittableRandom random, StepObserver observer) {
        if (work.length != initialLogits.length) {
            work = new float[initialLogits.length];
        }
        System.arraycopy(initialLogits, 0, work, 0, work.length);
        float[] logits = work;
        int count = 0;
        double sum = 0;
        boolean ended = false;
        while (count < maxTokens) {
            if (temperature > 0) {
                float inv = (float) (1.0 / temperature);
                for (int i = 0; i < logits.length; i++) {
                    logits[i] *= inv;
                }
            }
            filters.apply(logits, tokens, count);
            double lse = LogProbs.logSumExp(logits);
            int next = temperature > 0 ? sample(logits, lse, random) : LogProbs.argmax(logits);
            if (observer != null) {
                observer.onStep(logits, next);
            }
            sum += logits[next] - lse;
            if (next == eot) {
                ended = true;
                break;
            }
            tokens[count++] = next;
            if (state.position() >= state.capacity() || count >= maxTokens) {
                break;
            }
            logits = state.step(next);
        }
        return new DecodedSequence(Arrays.copyOf(tokens, count), sum, ended);
    }

    /** Inverse-CDF draw from {@code exp(logit - lse)}; falls back to the argmax on rounding at the tail. */
    private static int sample(float[] logits, double lse, SplittableRandom random) {
        double u = random.nextDouble();
        double acc = 0;
        int lastPossible = -1;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            acc += Math.exp(logits[i] - lse);
            lastPossible = i;
            if (u < acc) {
                return i;
            }
        }
        return lastPossible >= 0 ? lastPossible : LogProbs.argmax(logits);
    }
}
