package dev.steno.engine.audio;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Mono audio as float samples at a fixed rate.
 *
 * <p>Full scale is 1.0: decoders map their integer range onto [-1, 1]. The array is not copied, because clips are
 * large and are handed between stages that only read them; callers that keep a reference must not modify it.
 * {@link #equals} and {@link #hashCode} compare sample contents, unlike a plain record with an array component.
 *
 * @param samples    mono samples, nominally in [-1, 1]
 * @param sampleRate samples per second, positive
 */
public record PcmAudio(float[] samples, int sampleRate) {
    public PcmAudio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
    }

    /** Length in seconds. */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /** This audio converted to {@code targetRate} with a {@link Resampler}; this same object when the rate matches. */
    public PcmAudio resampledTo(int targetRate) {
        if (targetRate == sampleRate) {
            return this;
        }
        return new PcmAudio(Resampler.resample(samples, sampleRate, targetRate), targetRate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcmAudio other && sampleRate == other.sampleRate && Arrays.equals(samples, other.samples);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(samples) + sampleRate;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PcmAudio[%d samples, %d Hz, %.3f s]",
                samples.length, sampleRate, durationSeconds());
    }
}
