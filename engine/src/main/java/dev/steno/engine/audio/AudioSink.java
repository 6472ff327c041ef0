package dev.steno.engine.audio;

/**
 * Receives decoded mono audio at 16 kHz from a {@link StreamingAudioDecoder}.
 *
 * <p>Decoders reuse their output array between calls so that steady-state decoding allocates nothing: the sink must
 * copy the samples it keeps before returning, and must not write to the array.
 */
@FunctionalInterface
public interface AudioSink {
    /**
     * Takes {@code len} samples at {@code samples[off]}, nominally in [-1, 1], continuing the previous call's audio
     * without gap or overlap.
     */
    void accept(float[] samples, int off, int len);
}
