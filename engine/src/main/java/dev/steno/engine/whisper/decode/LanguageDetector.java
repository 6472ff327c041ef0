package dev.steno.engine.whisper.decode;

/**
 * Whisper's language identification: the decoder's logits after {@code <|startoftranscript|>} alone, restricted to
 * the language tokens; the most likely one is the language, its softmax among the language tokens its probability.
 */
public final class LanguageDetector {
    /**
     * A detected language.
     *
     * @param token       the language token
     * @param probability its probability among the language tokens
     */
    public record Detected(int token, double probability) {
    }

    private LanguageDetector() {
    }

    /**
     * Picks the most likely of {@code languageTokens} in {@code logitsAfterSot}; the lowest id wins a tie.
     *
     * @throws IllegalArgumentException if there are no language tokens
     */
    public static Detected detect(float[] logitsAfterSot, int[] languageTokens) {
        if (languageTokens.length == 0) {
            throw new IllegalArgumentException("no language tokens (English-only model)");
        }
        int best = languageTokens[0];
        float max = Float.NEGATIVE_INFINITY;
        for (int t : languageTokens) {
            if (logitsAfterSot[t] > max || (logitsAfterSot[t] == max && t < best)) {
                max = logitsAfterSot[t];
                best = t;
            }
        }
        double sum = 0;
        for (int t : languageTokens) {
            sum += Math.exp(logitsAfterSot[t] - max);
        }
        return new Detected(best, 1.0 / sum);
    }
}
