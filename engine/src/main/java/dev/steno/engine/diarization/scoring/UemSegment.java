package dev.steno.engine.diarization.scoring;

import java.util.Objects;

/**
 * One stretch of a recording that is to be scored (a line of a UEM file).
 *
 * @param file  the recording's id, as in the RTTM files
 * @param start start in seconds, {@code >= 0}
 * @param end   end in seconds, {@code >= start}
 */
public record UemSegment(String file, double start, double end) {
    public UemSegment {
        Objects.requireNonNull(file, "file");
        if (!(start >= 0) || !(end >= start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("a UEM segment needs finite 0 <= start <= end, was " + start + " .. "
                    + end);
        }
    }
}
