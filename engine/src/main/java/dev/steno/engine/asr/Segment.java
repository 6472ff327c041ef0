package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import java.util.List;

/**
 * A stretch of recognised speech as the recogniser split it.
 *
 * @param start               seconds from the start of the request's audio
 * @param end                 seconds from the start of the request's audio
 * @param text                the segment text as decoded
 * @param words               the segment's words, times relative to the start of the request's audio
 * @param avgLogprob          average log-probability of the decoded tokens of the segment's window; NaN when the
 *                            backend does not report it
 * @param noSpeechProbability the model's probability that the segment's window holds no speech; NaN when the
 *                            backend does not report it
 */
public record Segment(double start, double end, String text, List<Word> words, double avgLogprob,
                      double noSpeechProbability) {
    public Segment {
        words = List.copyOf(words);
    }

    /** A segment without decoding figures (backends that do not report them). */
    public Segment(double start, double end, String text, List<Word> words) {
        this(start, end, text, words, Double.NaN, Double.NaN);
    }
}
