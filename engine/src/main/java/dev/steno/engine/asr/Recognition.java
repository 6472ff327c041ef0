package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of one recogniser call.
 *
 * @param segments            segments in order, times relative to the start of the request's audio
 * @param detectedLanguage    the language the model detected, when the backend reports it
 * @param noSpeechProbability the model's probability that the audio holds no speech (NaN: not reported); when the
 *                            backend judged the audio silent, {@code segments} is empty and this says why
 * @param avgLogprob          average log-probability of the decoded tokens (NaN: not reported)
 * @param temperature         the sampling temperature of the result after fallback (NaN: not reported)
 */
public record Recognition(List<Segment> segments, Optional<String> detectedLanguage, double noSpeechProbability,
                          double avgLogprob, double temperature) {
    public Recognition {
        segments = List.copyOf(segments);
    }

    /** A result without decoding figures (backends that do not report them). */
    public Recognition(List<Segment> segments, Optional<String> detectedLanguage) {
        this(segments, detectedLanguage, Double.NaN, Double.NaN, Double.NaN);
    }

    /** All words of all segments, in order. */
    public List<Word> words() {
        List<Word> all = new ArrayList<>();
        for (Segment s : segments) {
            all.addAll(s.words());
        }
        return all;
    }
}
