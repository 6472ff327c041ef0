package dev.steno.engine.transcript;

import java.util.Objects;

/**
 * A committed word with the speaker it is attributed to.
 *
 * @param word    the word
 * @param speaker speaker number as {@link TranscriptLine#speaker()} counts them: 1, 2, ... for known speakers,
 *                {@link TranscriptLine#UNKNOWN_SPEAKER} when nothing attributes the words
 */
public record SpokenWord(Word word, int speaker) {
    public SpokenWord {
        Objects.requireNonNull(word, "word");
        if (speaker < 0) {
            throw new IllegalArgumentException("speaker must be >= 0, was " + speaker);
        }
    }
}
