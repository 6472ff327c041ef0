package dev.steno.engine.audio;

import java.util.Objects;

/**
 * A decoder that picks the real decoder from the stream's first bytes and then hands everything to it, those first
 * bytes included: the one home of the sniffing that {@link AutoDetectingDecoder} (WebM or raw PCM) and
 * {@link ContainerDecoder} (WAV, WebM or Ogg) share. They differ only in {@link #choose}.
 */
abstract sealed class PrefixChosenDecoder implements StreamingAudioDecoder permits AutoDetectingDecoder,
        ContainerDecoder {
    /** Where the chosen decoder delivers its 16 kHz mono audio. */
    protected final AudioSink sink;
    private final byte[] prefix;
    private int prefixLen;
    private StreamingAudioDecoder delegate;
    private boolean ended;

    /** Looks at up to {@code prefixBytes} first bytes. */
    PrefixChosenDecoder(AudioSink sink, int prefixBytes) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.prefix = new byte[prefixBytes];
    }

    /**
     * The decoder for a stream that starts with {@code prefix[0..len)}, or null while more bytes are needed (never
     * null when {@code len} is the full prefix or {@code atEnd}).
     *
     * @param atEnd the stream ended after these bytes
     * @throws AudioFormatException when no decoder takes such a stream
     */
    abstract StreamingAudioDecoder choose(byte[] prefix, int len, boolean atEnd) throws AudioFormatException;

    @Override
    public final void push(byte[] data, int off, int len) throws AudioFormatException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        if (delegate != null) {
            delegate.push(data, off, len);
            return;
        }
        int take = Math.min(len, prefix.length - prefixLen);
        System.arraycopy(data, off, prefix, prefixLen, take);
        prefixLen += take;
        StreamingAudioDecoder chosen = choose(prefix, prefixLen, false);
        if (chosen == null) {
            return;
        }
        delegate = chosen;
        delegate.push(prefix, 0, prefixLen);
        delegate.push(data, off + take, len - take);
    }

    @Override
    public final void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        if (delegate == null && prefixLen > 0) {
            delegate = choose(prefix, prefixLen, true);
            delegate.push(prefix, 0, prefixLen);
        }
        if (delegate != null) {
            delegate.end();
        }
    }

    @Override
    public final InputFormat format() {
        return delegate == null ? InputFormat.UNKNOWN : delegate.format();
    }

    @Override
    public final long samplesDelivered() {
        return delegate == null ? 0 : delegate.samplesDelivered();
    }

    /** The decoder chosen, or null while undecided. */
    public final StreamingAudioDecoder delegate() {
        return delegate;
    }
}
