package dev.steno.engine.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes a RIFF/WAVE stream of 16-bit PCM as it arrives (a client streaming a file without knowing its length, as
 * Deepgram's clients do when they send a WAV without {@code encoding}): the header is collected up to the
 * {@code data} chunk, then the samples go through a {@link Linear16Decoder} at the file's rate and channel count.
 * The {@code data} chunk's size is not trusted (streamed files often carry 0 or 0xFFFFFFFF there): every byte after
 * its header is audio. {@link WavReader} reads whole files; this is its streaming counterpart for 16-bit PCM only.
 */
public final class WavStreamDecoder implements StreamingAudioDecoder {
    /** A header larger than this (metadata chunks before {@code data}) is refused rather than buffered. */
    private static final int MAX_HEADER = 1 << 20;
    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private final AudioSink sink;
    private byte[] header = new byte[256];
    private int headerLen;
    private Linear16Decoder pcm;
    private boolean ended;

    /** A decoder delivering 16 kHz mono to {@code sink}, which must copy what it keeps. */
    public WavStreamDecoder(AudioSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void push(byte[] data, int off, int len) throws AudioFormatException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        if (pcm != null) {
            pcm.push(data, off, len);
            return;
        }
        if (headerLen + len > MAX_HEADER) {
            throw new AudioFormatException("no WAV data chunk within the first " + MAX_HEADER + " bytes");
        }
        if (headerLen + len > header.length) {
            header = Arrays.copyOf(header, Math.max(headerLen + len, header.length * 2));
        }
        System.arraycopy(data, off, header, headerLen, len);
        headerLen += len;
        int dataStart = parseHeader();
        if (dataStart >= 0) {
            pcm.push(header, dataStart, headerLen - dataStart);
            header = null;
        }
    }

    /** @return where the samples start once the header is complete (and {@link #pcm} made), else -1 */
    private int parseHeader() throws AudioFormatException {
        if (headerLen < 12) {
            return -1;
        }
        if (!tag(0, "RIFF") || !tag(8, "WAVE")) {
            throw new AudioFormatException("not a RIFF/WAVE stream");
        }
        int channels = 0;
        int rate = 0;
        for (int at = 12; at + 8 <= headerLen; ) {
            long size = u32(at + 4);
            if (tag(at, "data")) {
                if (rate == 0) {
                    throw new AudioFormatException("WAV data chunk before its fmt chunk");
                }
                try {
                    pcm = new Linear16Decoder(sink, rate, channels);
                } catch (IllegalArgumentException e) {
                    throw new AudioFormatException("unsupported WAV: " + e.getMessage());
                }
                return at + 8;
            }
            if (at + 8 + size > headerLen) {
                return -1;
            }
            if (tag(at, "fmt ")) {
                int format = u16(at + 8);
                channels = u16(at + 10);
                rate = (int) u32(at + 12);
                int bits = u16(at + 22);
                if (format == FORMAT_EXTENSIBLE && size >= 26) {
                    format = u16(at + 32);
                }
                if (format != FORMAT_PCM || bits != 16) {
                    throw new AudioFormatException("unsupported WAV: only 16-bit PCM streams (format " + format
                            + ", " + bits + " bits)");
                }
            }
            at += 8 + (int) size + (int) (size & 1);
        }
        return -1;
    }

    private boolean tag(int at, String name) {
        for (int i = 0; i < 4; i++) {
            if (header[at + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int u16(int at) {
        return (header[at] & 0xFF) | (header[at + 1] & 0xFF) << 8;
    }

    private long u32(int at) {
        return u16(at) | (long) u16(at + 2) << 16;
    }

    @Override
    public void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        if (pcm == null) {
            if (headerLen > 0) {
                throw new AudioFormatException("the WAV stream ended inside its header");
            }
            return;
        }
        pcm.end();
    }

    @Override
    public InputFormat format() {
        return InputFormat.WAV;
    }

    @Override
    public long samplesDelivered() {
        return pcm == null ? 0 : pcm.samplesDelivered();
    }
}
