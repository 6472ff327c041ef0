package dev.steno.engine.audio;

/**
 * Picks the decoder from the first bytes of the stream, as WhisperLiveKit's server does for its {@code /asr} socket:
 * a stream that starts with the EBML magic {@code 1A 45 DF A3} is WebM/Opus ({@link WebmOpusDecoder}); anything else
 * is raw 16 kHz s16le PCM ({@link PcmS16leDecoder}).
 *
 * <p>The choice is made as soon as the bytes seen rule WebM out, or after four bytes that match it. PCM that happens
 * to start with those four bytes (samples 0x451A and 0xA3DF, an unlikely opening for real audio) would be taken for
 * WebM and rejected. An empty stream ends quietly with {@link #format} still {@link InputFormat#UNKNOWN}.
 */
public final class AutoDetectingDecoder extends PrefixChosenDecoder {
    private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};

    /** A decoder delivering to {@code sink}, which must copy what it keeps. */
    public AutoDetectingDecoder(AudioSink sink) {
        super(sink, EBML_MAGIC.length);
    }

    @Override
    StreamingAudioDecoder choose(byte[] prefix, int len, boolean atEnd) {
        for (int i = 0; i < len; i++) {
            if (prefix[i] != EBML_MAGIC[i]) {
                return new PcmS16leDecoder(sink);
            }
        }
        if (len == EBML_MAGIC.length) {
            return new WebmOpusDecoder(sink);
        }
        // fewer than four bytes, all matching the magic: too short for WebM, so it can only be PCM
        return atEnd ? new PcmS16leDecoder(sink) : null;
    }
}
