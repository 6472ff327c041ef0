package dev.steno.jitsi.rtp;

/**
 * The fixed RTP header (RFC 3550 section 5.1) of one datagram, parsed in place.
 *
 * <p>Mutable on purpose: one instance per receiver is refilled for every datagram so that parsing allocates
 * nothing. Offsets point into the caller's buffer, which must not change while the header is used.
 */
public final class RtpHeader {
    /** The fixed part of the header. */
    public static final int FIXED_LENGTH = 12;

    private int version;
    private boolean padding;
    private boolean extension;
    private int csrcCount;
    private boolean marker;
    private int payloadType;
    private int sequence;
    private long timestamp;
    private long ssrc;
    private int payloadOffset;
    private int payloadLength;
    private int extensionProfile = -1;

    /**
     * Parses the datagram at {@code buf[off..off+len)}.
     *
     * @return null when it is a well-formed RTP packet, else why not
     */
    public DropReason parse(byte[] buf, int off, int len) {
        if (len < FIXED_LENGTH) {
            return DropReason.TRUNCATED;
        }
        int b0 = buf[off] & 0xFF;
        version = b0 >>> 6;
        if (version != 2) {
            return DropReason.WRONG_VERSION;
        }
        padding = (b0 & 0x20) != 0;
        extension = (b0 & 0x10) != 0;
        csrcCount = b0 & 0x0F;
        int b1 = buf[off + 1] & 0xFF;
        marker = (b1 & 0x80) != 0;
        payloadType = b1 & 0x7F;
        sequence = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        timestamp = readUint32(buf, off + 4);
        ssrc = readUint32(buf, off + 8);
        int pos = FIXED_LENGTH + 4 * csrcCount;
        if (len < pos) {
            return DropReason.TRUNCATED;
        }
        extensionProfile = -1;
        if (extension) {
            if (len < pos + 4) {
                return DropReason.TRUNCATED;
            }
            extensionProfile = ((buf[off + pos] & 0xFF) << 8) | (buf[off + pos + 1] & 0xFF);
            int words = ((buf[off + pos + 2] & 0xFF) << 8) | (buf[off + pos + 3] & 0xFF);
            pos += 4 + 4 * words;
            if (len < pos) {
                return DropReason.TRUNCATED;
            }
        }
        int end = len;
        if (padding) {
            int pad = buf[off + len - 1] & 0xFF;
            if (pad == 0 || pad > len - pos) {
                return DropReason.BAD_PADDING;
            }
            end -= pad;
        }
        payloadOffset = off + pos;
        payloadLength = end - pos;
        return null;
    }

    /**
     * Whether a datagram whose second byte is {@code b1} is RTCP multiplexed on the RTP port (RFC 5761 section 4:
     * packet types 192-223 occupy the payload-type range 64-95 with the marker bit set).
     */
    public static boolean isRtcp(byte[] buf, int off, int len) {
        if (len < 2 || (buf[off] & 0xC0) != 0x80) {
            return false;
        }
        int pt = buf[off + 1] & 0xFF;
        return pt >= 192 && pt <= 223;
    }

    static long readUint32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    /** Always 2 for a packet that parsed. */
    public int version() {
        return version;
    }

    /** The P bit: padding octets were removed from {@link #payloadLength}. */
    public boolean padding() {
        return padding;
    }

    /** The X bit: a header extension was skipped. */
    public boolean extension() {
        return extension;
    }

    /** The header extension's profile field (0xBEDE for RFC 8285 one-byte headers), -1 without extension. */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Number of contributing sources (0-15). */
    public int csrcCount() {
        return csrcCount;
    }

    /** The M bit (some senders set it on every packet, so it carries no meaning here). */
    public boolean marker() {
        return marker;
    }

    /** Payload type, 0-127. */
    public int payloadType() {
        return payloadType;
    }

    /** 16-bit sequence number. */
    public int sequence() {
        return sequence;
    }

    /** 32-bit media timestamp, unsigned. */
    public long timestamp() {
        return timestamp;
    }

    /** Synchronisation source, unsigned 32 bits. */
    public long ssrc() {
        return ssrc;
    }

    /** Where the payload starts in the parsed buffer. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload length without padding. */
    public int payloadLength() {
        return payloadLength;
    }
}
