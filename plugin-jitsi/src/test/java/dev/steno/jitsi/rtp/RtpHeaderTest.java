package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 3550 header parsing on exact byte frames. */
class RtpHeaderTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void parsesEveryFieldOfAPlainPacket() {
        // V=2, M=1, PT=111, seq 0xBEEF, ts 0x01020304, SSRC 0xDEADBEEF, 3-byte payload
        byte[] p = hex("80 EF BEEF 01020304 DEADBEEF AABBCC");
        RtpHeader h = new RtpHeader();
        assertNull(h.parse(p, 0, p.length));
        assertEquals(2, h.version());
        assertTrue(h.marker());
        assertEquals(111, h.payloadType());
        assertEquals(0xBEEF, h.sequence());
        assertEquals(0x01020304L, h.timestamp());
        assertEquals(0xDEADBEEFL, h.ssrc());
        assertEquals(12, h.payloadOffset());
        assertEquals(3, h.payloadLength());
        assertFalse(h.padding());
        assertFalse(h.extension());
        assertEquals(0, h.csrcCount());
    }

    @Test
    void skipsCsrcsExtensionAndPaddingAtAnOffset() {
        // 2 junk bytes, then V=2 P=1 X=1 CC=2, PT=96, seq 1, ts 0xFFFFFFFF, SSRC 1, two CSRCs,
        // one-byte-header extension (0xBEDE, 1 word), payload 0x11 0x22, padding of 2 (..02)
        byte[] p = hex("FFFF B2 60 0001 FFFFFFFF 00000001 0000000A 0000000B BEDE0001 10FF0000 1122 0002");
        RtpHeader h = new RtpHeader();
        assertNull(h.parse(p, 2, p.length - 2));
        assertEquals(96, h.payloadType());
        assertFalse(h.marker());
        assertEquals(0xFFFFFFFFL, h.timestamp());
        assertEquals(2, h.csrcCount());
        assertEquals(0xBEDE, h.extensionProfile());
        assertTrue(h.padding());
        assertEquals(2 + 12 + 8 + 8, h.payloadOffset());
        assertEquals(2, h.payloadLength());
        assertEquals(0x11, p[h.payloadOffset()]);
    }

    @Test
    void namesWhatIsWrong() {
        RtpHeader h = new RtpHeader();
        assertEquals(DropReason.TRUNCATED, h.parse(hex("80 6F 0001 00000000 0000"), 0, 10));
        assertEquals(DropReason.WRONG_VERSION, h.parse(hex("40 6F 0001 00000000 00000001 00"), 0, 13));
        // CC=3 but no room for three CSRCs
        assertEquals(DropReason.TRUNCATED, h.parse(hex("83 6F 0001 00000000 00000001 00000002"), 0, 16));
        // extension header promises 4 words, 1 present
        assertEquals(DropReason.TRUNCATED, h.parse(hex("90 6F 0001 00000000 00000001 BEDE0004 00000000"), 0, 20));
        // padding count larger than the payload
        assertEquals(DropReason.BAD_PADDING, h.parse(hex("A0 6F 0001 00000000 00000001 AA 09"), 0, 14));
        assertEquals(DropReason.BAD_PADDING, h.parse(hex("A0 6F 0001 00000000 00000001 AA 00"), 0, 14));
    }

    @Test
    void recognisesMultiplexedRtcp() {
        byte[] senderReport = hex("80 C8 0006 00000001 00000000 00000000 00000000 00000000 00000000");
        assertTrue(RtpHeader.isRtcp(senderReport, 0, senderReport.length));
        byte[] rtp = hex("80 6F 0001 00000000 00000001");
        assertFalse(RtpHeader.isRtcp(rtp, 0, rtp.length));
        // PT 72 with the marker bit set is 0xC8 too: that is exactly why RFC 5761 forbids PTs 64-95 for RTP
        assertTrue(RtpHeader.isRtcp(hex("80 C8"), 0, 2));
    }

    @Test
    void packetizerWritesWhatTheParserReads() {
        byte[] p = RtpOpusPacketizer.rtp(111, 65535, 0xFFFFFFFFL, 0x11111111L, true, new byte[] {1, 2, 3}, 0, 3);
        RtpHeader h = new RtpHeader();
        assertNull(h.parse(p, 0, p.length));
        assertEquals(65535, h.sequence());
        assertEquals(0xFFFFFFFFL, h.timestamp());
        assertEquals(0x11111111L, h.ssrc());
        assertTrue(h.marker());
        assertEquals(3, h.payloadLength());
    }
}
