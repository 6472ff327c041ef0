package dev.steno.engine.audio;

import java.util.Objects;

/**
 * Picks the decoder from the first bytes of the stream, as WhisperLiveKit's server does for its {@code /asr} socket:
 * a stream that starts with the EBML magic {@code 1A 45 DF A3} is WebM/Opus ({@link WebmOpusDecoder}); anything else
 * is raw 16 kHz s16le PCM ({@link PcmS16leDecoder}).
 *
 * <p>The choice is made as soon as the bytes seen rule WebM out, or after four bytes that match it. PCM that happens
 * to start with those four bytes (samples 0x451A and 0xA3DF, an unlikely opening for real audio) would be taken for
 * WebM and rejected. An empty stream ends quietly with {@link #format} still {@link InputFormat#UNKNOWN}.
 */
public final class AutoDetectingDecoder implements StreamingAudioDecoder {
    private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};

    private final AudioSink sink;
    private final byte[] prefix = new byte[EBML_MAGIC.length];
    private int prefixLen;
    private StreamingAudioDecoder delegate;
    private boolean ended;

    /** A decoder delivering to {@code sink}, which must copy what it keeps. */
    public AutoDetectingDecoder(AudioSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void push(byte[] data, int off, int len) throws AudioFormatException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        if (delegate != null) {
            delegate.push(data, off, len);
            return;
        }
        int taken = 0;
        while (taken < len && prefixLen < prefix.length && data[off + taken] == EBML_MAGIC[prefixLen]) {
            prefix[prefixLen++] = data[off + taken++];
        }
        if (prefixLen == prefix.length) {
            delegate = new WebmOpusDecoder(sink);
        } else if (taken < len) {
            delegate = new PcmS16leDecoder(sink);
        } else {
            return;
        }
        delegate.push(prefix, 0, prefixLen);
        delegate.push(data, off + taken, len - taken);
    }

    @Override
    public void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        if (delegate == null && prefixLen > 0) {
            // Fewer than four bytes, all matching the magic: too short for WebM, so it can only be PCM.
            delegate = new PcmS16leDecoder(sink);
            delegate.push(prefix, 0, prefixLen);
        }
        if (delegate != null) {
            delegate.end();
        }
    }

    @Override
    public InputFormat format() {
        return delegate == null ? InputFormat.UNKNOWN : delegate.format();
    }

    @Override
    public long samplesDelivered() {
        return delegate == null ? 0 : delegate.samplesDelivered();
    }

    /** The decoder chosen, or null while undecided. */
    public StreamingAudioDecoder delegate() {
        return delegate;
    }
}
