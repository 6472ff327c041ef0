package dev.steno.engine.transcript;

import java.util.Objects;

/**
 * One recognised word with its place in the stream.
 *
 * <p>{@code text} keeps Whisper's own spacing: a word that follows a space carries that space as its first character
 * (" world"), so concatenating words reproduces the text exactly, also for languages written without spaces.
 * Times are seconds from the start of the stream.
 *
 * @param text        the word as decoded, leading space included
 * @param start       start time in seconds
 * @param end         end time in seconds, never before {@code start}
 * @param probability the recogniser's confidence in [0, 1], or {@link Double#NaN} when the backend gives none
 */
public record Word(String text, double start, double end, double probability) {
    public Word {
        Objects.requireNonNull(text, "text");
        if (!(end >= start)) {
            throw new IllegalArgumentException("word '" + text + "' ends (" + end + ") before it starts (" + start + ")");
        }
    }

    /** A word whose backend reports no confidence. */
    public Word(String text, double start, double end) {
        this(text, start, end, Double.NaN);
    }

    /** This word moved in time by {@code seconds}. */
    public Word shifted(double seconds) {
        return new Word(text, start + seconds, end + seconds, probability);
    }

    /** The text without surrounding whitespace, for display and comparison with references. */
    public String bare() {
        return text.strip();
    }
}
