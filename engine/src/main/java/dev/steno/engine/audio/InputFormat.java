package dev.steno.engine.audio;

/** The encoding of a byte stream handed to a {@link StreamingAudioDecoder}. */
public enum InputFormat {
    /** Not known yet: too few bytes have arrived to tell. */
    UNKNOWN,
    /** Raw 16-bit little-endian signed PCM, mono, 16 kHz, with no header. */
    PCM_S16LE,
    /** Opus in a WebM (Matroska) container, as the browser's {@code MediaRecorder} writes it. */
    WEBM_OPUS
}
