package dev.steno.engine.whisper.decode;

/**
 * The no-speech probability and whisper's silence rule. The probability is the softmax at {@code <|nospeech|>} of the
 * raw logits of the first decoded position, right after the prompt and before any filter or temperature (whisper.cpp
 * computes it there). A window is silence when that probability exceeds the threshold and the decoded text is not
 * confident either (average log-probability below its threshold), so that quiet but clear speech survives.
 */
public final class NoSpeech {
    private NoSpeech() {
    }

    /** {@code softmax(rawLogits)[noSpeechToken]}. */
    public static double probability(float[] rawLogits, int noSpeechToken) {
        return LogProbs.probability(rawLogits, noSpeechToken);
    }

    /**
     * Whether a window is silence: {@code noSpeechProb > noSpeechThreshold} and not {@code avgLogprob >
     * logprobThreshold}. A NaN no-speech threshold never calls silence; a NaN log-prob threshold leaves the
     * no-speech probability alone to decide.
     */
    public static boolean isSilence(double noSpeechProb, double avgLogprob, double noSpeechThreshold,
                                    double logprobThreshold) {
        if (Double.isNaN(noSpeechThreshold) || !(noSpeechProb > noSpeechThreshold)) {
            return false;
        }
        return Double.isNaN(logprobThreshold) || !(avgLogprob > logprobThreshold);
    }
}
