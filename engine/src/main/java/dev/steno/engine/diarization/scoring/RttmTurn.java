package dev.steno.engine.diarization.scoring;

import dev.steno.engine.diarization.SpeakerSegment;
import java.util.Objects;

/**
 * One speaker turn of an RTTM file: who spoke in which recording, from when and for how long.
 *
 * @param file     the recording's id (RTTM field 2); reference and system turns are compared by it
 * @param start    start in seconds, {@code >= 0}
 * @param duration length in seconds, {@code >= 0} (RTTM allows zero-length turns; they carry no speech but their
 *                 boundary still gets a collar when scoring)
 * @param speaker  the speaker's label, unique within the file
 */
public record RttmTurn(String file, double start, double duration, String speaker) {
    public RttmTurn {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(speaker, "speaker");
        if (file.isEmpty() || speaker.isEmpty() || file.chars().anyMatch(Character::isWhitespace)
                || speaker.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("file and speaker must be non-empty words, were '" + file + "' and '"
                    + speaker + "'");
        }
        if (!(start >= 0) || !(duration >= 0) || !Double.isFinite(start + duration)) {
            throw new IllegalArgumentException("a turn needs finite start >= 0 and duration >= 0, was start " + start
                    + ", duration " + duration);
        }
    }

    /**
     * A diarizer's segment as a turn of {@code file}; the speaker label is {@code "spk"} followed by the diarizer's
     * own number.
     */
    public static RttmTurn of(String file, SpeakerSegment segment) {
        return new RttmTurn(file, segment.start(), segment.duration(), "spk" + segment.speaker());
    }

    /** End in seconds. */
    public double end() {
        return start + duration;
    }
}
