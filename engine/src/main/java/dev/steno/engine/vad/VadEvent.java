package dev.steno.engine.vad;

import java.util.Locale;
import java.util.Objects;

/**
 * A change of voice activity at an exact position in the stream.
 *
 * @param kind       speech started or ended
 * @param sample     the absolute sample offset since the start of the stream (the first sample passed to the
 *                   controller is 0): the first sample of speech for a start, one past the last for an end
 * @param sampleRate the stream's sample rate, to turn {@code sample} into seconds
 */
public record VadEvent(Kind kind, long sample, int sampleRate) {
    /** What happened. */
    public enum Kind {
        SPEECH_START,
        SPEECH_END
    }

    public VadEvent {
        Objects.requireNonNull(kind, "kind");
        if (sample < 0) {
            throw new IllegalArgumentException("negative sample offset: " + sample);
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
    }

    /** The offset in seconds since the start of the stream. */
    public double seconds() {
        return (double) sample / sampleRate;
    }

    /** True for {@link Kind#SPEECH_START}. */
    public boolean isStart() {
        return kind == Kind.SPEECH_START;
    }

    @Override
    public String toString() {
        return kind + "@" + sample + String.format(Locale.ROOT, " (%.3f s)", seconds());
    }
}
