package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import java.util.List;

/**
 * A stretch of recognised speech as the recogniser split it.
 *
 * @param start seconds from the start of the request's audio
 * @param end   seconds from the start of the request's audio
 * @param text  the segment text as decoded
 * @param words the segment's words, times relative to the start of the request's audio
 */
public record Segment(double start, double end, String text, List<Word> words) {
    public Segment {
        words = List.copyOf(words);
    }
}
