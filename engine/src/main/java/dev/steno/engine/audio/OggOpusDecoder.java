package dev.steno.engine.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes an Ogg Opus stream (RFC 7845; what {@code opusenc}, FFmpeg and Firefox's {@code MediaRecorder} write) as
 * it arrives: Ogg pages are collected, their segments joined into packets, the {@code OpusHead} gives the pre-skip
 * and gain, {@code OpusTags} is skipped, and every later packet of the first logical stream goes through the
 * {@link OpusPacketDecoder} back to back (granule positions are not used: a live stream's packets are contiguous).
 * Pages of other logical streams are ignored. Page checksums are not verified: the transport already is.
 */
public final class OggOpusDecoder implements StreamingAudioDecoder {
    private static final int HEADER = 27;

    private final AudioSink sink;
    private byte[] buf = new byte[8192];
    private int bufLen;
    private byte[] packet = new byte[1024];
    private int packetLen;
    private int packets;
    private boolean serialKnown;
    private int serial;
    private OpusPacketDecoder opus;
    private boolean ended;

    /** A decoder delivering 16 kHz mono to {@code sink}, which must copy what it keeps. */
    public OggOpusDecoder(AudioSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void push(byte[] data, int off, int len) throws AudioFormatException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        if (bufLen + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(bufLen + len, buf.length * 2));
        }
        System.arraycopy(data, off, buf, bufLen, len);
        bufLen += len;
        int at = 0;
        int size;
        while ((size = pageSize(at)) > 0) {
            page(at);
            at += size;
        }
        System.arraycopy(buf, at, buf, 0, bufLen - at);
        bufLen -= at;
    }

    /** The size of the complete page at {@code at}, or 0 while it is incomplete. */
    private int pageSize(int at) throws AudioFormatException {
        if (bufLen - at < HEADER) {
            return 0;
        }
        if (buf[at] != 'O' || buf[at + 1] != 'g' || buf[at + 2] != 'g' || buf[at + 3] != 'S' || buf[at + 4] != 0) {
            throw new AudioFormatException("not an Ogg page at byte " + at + " of the buffered stream");
        }
        int segments = buf[at + 26] & 0xFF;
        if (bufLen - at < HEADER + segments) {
            return 0;
        }
        int size = HEADER + segments;
        for (int i = 0; i < segments; i++) {
            size += buf[at + HEADER + i] & 0xFF;
        }
        return bufLen - at >= size ? size : 0;
    }

    private void page(int at) throws AudioFormatException {
        int pageSerial = (buf[at + 14] & 0xFF) | (buf[at + 15] & 0xFF) << 8 | (buf[at + 16] & 0xFF) << 16
                | (buf[at + 17] & 0xFF) << 24;
        if (!serialKnown) {
            serialKnown = true;
            serial = pageSerial;
        } else if (pageSerial != serial) {
            return;
        }
        boolean continued = (buf[at + 5] & 1) != 0;
        if (!continued) {
            packetLen = 0;
        }
        int segments = buf[at + 26] & 0xFF;
        int data = at + HEADER + segments;
        for (int i = 0; i < segments; i++) {
            int n = buf[at + HEADER + i] & 0xFF;
            if (packetLen + n > packet.length) {
                packet = Arrays.copyOf(packet, Math.max(packetLen + n, packet.length * 2));
            }
            System.arraycopy(buf, data, packet, packetLen, n);
            packetLen += n;
            data += n;
            if (n < 255) {
                packet(packet, packetLen);
                packetLen = 0;
            }
        }
    }

    private void packet(byte[] p, int len) throws AudioFormatException {
        packets++;
        if (packets == 1) {
            if (len < 19 || !new String(p, 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
                throw new AudioFormatException("an Ogg stream without OpusHead: only Ogg Opus is supported");
            }
            int preSkip = (p[10] & 0xFF) | (p[11] & 0xFF) << 8;
            int gain = (short) ((p[16] & 0xFF) | (p[17] & 0xFF) << 8);
            opus = new OpusPacketDecoder(Concealment.MILLISECOND_TIMESTAMPS, preSkip, gain, sink);
        } else if (packets > 2) { // the second is OpusTags
            opus.decode(p, 0, len, OpusPacketDecoder.NO_TIMESTAMP);
        }
    }

    @Override
    public void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        if (opus != null) {
            opus.end();
        }
        if (bufLen > 0) {
            throw new AudioFormatException("the Ogg stream ended inside a page (" + bufLen + " bytes)");
        }
    }

    @Override
    public InputFormat format() {
        return InputFormat.OGG_OPUS;
    }

    @Override
    public long samplesDelivered() {
        return opus == null ? 0 : opus.samplesDelivered();
    }
}
