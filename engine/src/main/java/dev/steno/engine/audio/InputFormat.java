package dev.steno.engine.audio;

/** The encoding of a byte stream handed to a {@link StreamingAudioDecoder}. */
public enum InputFormat {
    /** Not known yet: too few bytes have arrived to tell. */
    UNKNOWN,
    /** Raw 16-bit little-endian signed PCM, mono, 16 kHz, with no header. */
    PCM_S16LE,
    /** Opus in a WebM (Matroska) container, as the browser's {@code MediaRecorder} writes it. */
    WEBM_OPUS,
    /** Raw 16-bit little-endian signed PCM at a stated rate and channel count ({@link Linear16Decoder}). */
    LINEAR16,
    /** A RIFF/WAVE file of 16-bit PCM, streamed ({@link WavStreamDecoder}). */
    WAV,
    /** Opus in an Ogg container ({@link OggOpusDecoder}). */
    OGG_OPUS
}
