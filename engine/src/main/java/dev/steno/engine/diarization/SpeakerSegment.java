package dev.steno.engine.diarization;

/**
 * One stretch of speech by one speaker, on the stream clock (seconds from the stream's first sample).
 *
 * @param speaker the diarizer's own label for the speaker, {@code >= 0}, stable for the whole stream; the speaker
 *                stage numbers speakers for display (1..N in order of appearance)
 * @param start   start in seconds
 * @param end     end in seconds, after {@code start}
 */
public record SpeakerSegment(int speaker, double start, double end) {
    public SpeakerSegment {
        if (speaker < 0) {
            throw new IllegalArgumentException("speaker label must be >= 0, was " + speaker);
        }
        if (!(start >= 0) || !(end > start)) {
            throw new IllegalArgumentException("a segment needs 0 <= start < end, was " + start + " .. " + end);
        }
    }

    /** Length in seconds. */
    public double duration() {
        return end - start;
    }

    /** Seconds this segment shares with {@code [from, to)}, 0 when apart. */
    public double overlap(double from, double to) {
        return Math.max(0, Math.min(end, to) - Math.max(start, from));
    }
}
