package dev.steno.engine.whisper.decode;

/**
 * The tokens one decoding produced for a window, and how likely the model found them.
 *
 * @param tokens     sampled tokens (text and timestamps), without the prompt and without end-of-text
 * @param sumLogprob sum of the log-probabilities of every sampled token, end-of-text included
 * @param ended      true when the model chose end-of-text (false: the token budget or the context ran out)
 */
public record DecodedSequence(int[] tokens, double sumLogprob, boolean ended) {
    public DecodedSequence {
        tokens = tokens.clone();
    }

    /** The tokens (a copy). */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Number of sampled tokens, end-of-text excluded. */
    public int length() {
        return tokens.length;
    }

    /** OpenAI's {@code avg_logprob}: the sum over the tokens and end-of-text, divided by their number. */
    public double avgLogprob() {
        return sumLogprob / (tokens.length + 1);
    }

    /**
     * The ranking score of beam search and best-of sampling: the sum divided by the length ({@code lengthPenalty}
     * NaN, whisper.cpp's default) or by {@code ((5 + length) / 6)^lengthPenalty}.
     */
    public double score(double lengthPenalty) {
        int length = Math.max(1, tokens.length);
        double penalty = Double.isNaN(lengthPenalty) ? length : Math.pow((5.0 + length) / 6.0, lengthPenalty);
        return sumLogprob / penalty;
    }
}
