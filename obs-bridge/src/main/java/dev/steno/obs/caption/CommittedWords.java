package dev.steno.obs.caption;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Words of one speaker that just became final.
 *
 * @param speaker     the speaker number ({@code TranscriptLine.UNKNOWN_SPEAKER} when nothing attributes the words)
 * @param words       the words in order, non-empty, times in seconds of stream time
 * @param streamStart the wall-clock instant of stream time 0 (for sinks that need absolute times, e.g. YouTube)
 */
public record CommittedWords(int speaker, List<Word> words, Instant streamStart) {
    public CommittedWords {
        words = List.copyOf(words);
        Objects.requireNonNull(streamStart, "streamStart");
        if (words.isEmpty()) {
            throw new IllegalArgumentException("committed words must not be empty");
        }
    }

    /** The words as text, leading and trailing space removed. */
    public String text() {
        return Words.text(words);
    }

    /** Stream time of the first word. */
    public double start() {
        return words.get(0).start();
    }

    /** Stream time of the end of the last word. */
    public double end() {
        return words.get(words.size() - 1).end();
    }

    /** The wall-clock instant at {@code seconds} of stream time. */
    public Instant wallClock(double seconds) {
        return streamStart.plusNanos(Math.round(seconds * 1e9));
    }
}
