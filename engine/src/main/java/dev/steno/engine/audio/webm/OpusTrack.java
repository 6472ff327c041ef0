package dev.steno.engine.audio.webm;

/**
 * The Opus audio track a {@link WebmDemuxer} chose, with the decoder settings from its {@code OpusHead}.
 *
 * @param trackNumber     the Matroska TrackNumber its blocks carry
 * @param channels        channels the stream was encoded with (1 or 2)
 * @param preSkip         samples at 48 kHz to drop from the start of the decoded audio (encoder delay)
 * @param inputSampleRate the rate the encoder was fed, in Hz (informational; Opus always decodes at 48 kHz), 0 when
 *                        not stated
 * @param outputGainQ8    gain to apply on decoding, in 1/256 dB
 */
public record OpusTrack(long trackNumber, int channels, int preSkip, long inputSampleRate, int outputGainQ8) {
}
