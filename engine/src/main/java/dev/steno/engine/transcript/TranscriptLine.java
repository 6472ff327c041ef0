package dev.steno.engine.transcript;

import java.util.Objects;

/**
 * A committed line of transcript: consecutive words of one speaker.
 *
 * @param speaker speaker number as the {@code /asr} protocol counts them: 1, 2, ... for known speakers,
 *                {@link #UNKNOWN_SPEAKER} when nothing attributes the words, {@link #SILENCE} for a silence line
 * @param start   start time in seconds from the start of the stream
 * @param end     end time in seconds
 * @param text    the line's text (empty for silence)
 */
public record TranscriptLine(int speaker, double start, double end, String text) {
    /** No speaker attribution ran. */
    public static final int UNKNOWN_SPEAKER = 0;
    /** A pause long enough to be shown as its own line. */
    public static final int SILENCE = -2;

    public TranscriptLine {
        Objects.requireNonNull(text, "text");
        if (!(end >= start)) {
            throw new IllegalArgumentException("line ends (" + end + ") before it starts (" + start + ")");
        }
    }

    public boolean isSilence() {
        return speaker == SILENCE;
    }
}
