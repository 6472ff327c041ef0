package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of one recogniser call.
 *
 * @param segments         segments in order, times relative to the start of the request's audio
 * @param detectedLanguage the language the model detected, when the backend reports it
 */
public record Recognition(List<Segment> segments, Optional<String> detectedLanguage) {
    public Recognition {
        segments = List.copyOf(segments);
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
