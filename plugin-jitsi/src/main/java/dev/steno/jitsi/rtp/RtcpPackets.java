package dev.steno.jitsi.rtp;

import java.nio.charset.StandardCharsets;

/**
 * The few RTCP packets (RFC 3550 section 6) a receive-only endpoint needs: it writes a compound receiver report
 * (RR, then SDES with a CNAME, as section 6.1 requires of every compound packet) and reads the sender reports in the
 * compound packets it receives.
 */
public final class RtcpPackets {
    /** Packet types. */
    static final int SR = 200;
    static final int RR = 201;
    static final int SDES = 202;
    private static final int CNAME = 1;

    private RtcpPackets() {
    }

    /** A sender report's source and the middle 32 bits of its NTP time (what a report block echoes as LSR). */
    public record SenderReport(long ssrc, long ntpMiddle32) {
    }

    /**
     * A compound RTCP packet: one receiver report from {@code senderSsrc} with {@code block}, and its CNAME.
     *
     * @return the packet
     */
    public static byte[] receiverReport(long senderSsrc, ReceptionStats.ReportBlock block, String cname) {
        byte[] name = cname.getBytes(StandardCharsets.UTF_8);
        if (name.length > 255) {
            throw new IllegalArgumentException("a CNAME has at most 255 bytes: " + cname);
        }
        int rrLength = 8 + 24;
        // chunk: SSRC, CNAME item (type, length, text), at least one null octet ending the list, padded to 4 bytes
        int chunk = (4 + 2 + name.length + 1 + 3) & ~3;
        int sdesLength = 4 + chunk;
        byte[] p = new byte[rrLength + sdesLength];
        p[0] = (byte) 0x81; // V=2, one report block
        p[1] = (byte) RR;
        put16(p, 2, rrLength / 4 - 1);
        put32(p, 4, senderSsrc);
        put32(p, 8, block.ssrc());
        p[12] = (byte) block.fractionLost();
        int lost = block.cumulativeLost() & 0xFFFFFF;
        p[13] = (byte) (lost >>> 16);
        put16(p, 14, lost & 0xFFFF);
        put32(p, 16, block.extendedHighestSeq());
        put32(p, 20, block.jitter());
        put32(p, 24, block.lastSenderReport());
        put32(p, 28, block.delaySinceLast());
        int s = rrLength;
        p[s] = (byte) 0x81; // V=2, one chunk
        p[s + 1] = (byte) SDES;
        put16(p, s + 2, sdesLength / 4 - 1);
        put32(p, s + 4, senderSsrc);
        p[s + 8] = CNAME;
        p[s + 9] = (byte) name.length;
        System.arraycopy(name, 0, p, s + 10, name.length);
        // the rest of the chunk is already zero: the END item and the padding
        return p;
    }

    /**
     * The first sender report in the compound packet {@code buf[off..off+len)}.
     *
     * @return null when there is none
     * @throws IllegalArgumentException when the packet is not well-formed RTCP, saying what is wrong
     */
    public static SenderReport firstSenderReport(byte[] buf, int off, int len) {
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < 4) {
                throw new IllegalArgumentException("RTCP: " + (end - pos) + " stray bytes after the last packet");
            }
            int version = (buf[pos] & 0xFF) >>> 6;
            if (version != 2) {
                throw new IllegalArgumentException("RTCP: version " + version + ", expected 2");
            }
            int type = buf[pos + 1] & 0xFF;
            int size = (get16(buf, pos + 2) + 1) * 4;
            if (size > end - pos) {
                throw new IllegalArgumentException("RTCP: packet type " + type + " says " + size + " bytes, "
                        + (end - pos) + " left");
            }
            if (type == SR) {
                if (size < 28) {
                    throw new IllegalArgumentException("RTCP: sender report of " + size + " bytes, at least 28");
                }
                long msw = RtpHeader.readUint32(buf, pos + 8);
                long lsw = RtpHeader.readUint32(buf, pos + 12);
                return new SenderReport(RtpHeader.readUint32(buf, pos + 4), ((msw & 0xFFFF) << 16) | (lsw >>> 16));
            }
            pos += size;
        }
        return null;
    }

    private static int get16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    private static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
