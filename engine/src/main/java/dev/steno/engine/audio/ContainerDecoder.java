package dev.steno.engine.audio;

import java.util.Objects;

/**
 * Decodes a containerised audio stream whose container is told by its first four bytes: {@code RIFF} is WAV
 * ({@link WavStreamDecoder}), the EBML magic is WebM/Opus ({@link WebmOpusDecoder}), {@code OggS} is Ogg/Opus
 * ({@link OggOpusDecoder}). Anything else is refused with an
 * {@link AudioFormatException}: unlike {@link AutoDetectingDecoder}, raw PCM is not a fallback here, because the
 * protocols that use this (Deepgram's {@code encoding} left out) state raw audio's format explicitly.
 */
public final class ContainerDecoder implements StreamingAudioDecoder {
    private final AudioSink sink;
    private final byte[] magic = new byte[4];
    private int magicLen;
    private StreamingAudioDecoder delegate;
    private boolean ended;

    /** A decoder delivering 16 kHz mono to {@code sink}, which must copy what it keeps. */
    public ContainerDecoder(AudioSink sink) {
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
        int take = Math.min(len, magic.length - magicLen);
        System.arraycopy(data, off, magic, magicLen, take);
        magicLen += take;
        if (magicLen < magic.length) {
            return;
        }
        delegate = choose();
        delegate.push(magic, 0, magic.length);
        delegate.push(data, off + take, len - take);
    }

    private StreamingAudioDecoder choose() throws AudioFormatException {
        if (magic[0] == 'R' && magic[1] == 'I' && magic[2] == 'F' && magic[3] == 'F') {
            return new WavStreamDecoder(sink);
        }
        if (magic[0] == 0x1A && magic[1] == 0x45 && magic[2] == (byte) 0xDF && magic[3] == (byte) 0xA3) {
            return new WebmOpusDecoder(sink);
        }
        if (magic[0] == 'O' && magic[1] == 'g' && magic[2] == 'g' && magic[3] == 'S') {
            return new OggOpusDecoder(sink);
        }
        throw new AudioFormatException("unrecognised audio container: send WAV, WebM/Opus or Ogg/Opus, or raw audio with"
                + " encoding=linear16 and its sample_rate");
    }

    @Override
    public void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        if (delegate != null) {
            delegate.end();
        } else if (magicLen > 0) {
            throw new AudioFormatException("the audio ended after " + magicLen + " bytes, too short for a container");
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
}
