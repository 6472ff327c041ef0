package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Receiver reports: the statistics of RFC 3550 appendix A on made-up arrivals, the RR + SDES compound packet byte by
 * byte, sender reports read from a compound packet, and SRTCP checked against a reference decryption written here
 * from RFC 3711 (sections 3.4 and 4.3, labels 3-5) with the JDK's AES-CTR and HMAC-SHA1.
 */
class RtcpTest {
    private static final long MS = 1_000_000L;
    private static final int OPUS = 48_000;

    /** Feeds packets 20 ms apart (960 timestamp units) with the given sequence numbers, arriving on time. */
    private static long feed(ReceptionStats s, long startNanos, int... sequences) {
        long t = startNanos;
        for (int seq : sequences) {
            s.packet(seq & 0xFFFF, 960L * seq, t);
            t += 20 * MS;
        }
        return t;
    }

    private static int[] range(int from, int count, int... skip) {
        int[] out = new int[count - skip.length];
        int n = 0;
        outer:
        for (int i = 0; i < count; i++) {
            for (int k : skip) {
                if (k == from + i) {
                    continue outer;
                }
            }
            out[n++] = from + i;
        }
        return out;
    }

    @Test
    void lossIsCountedAcrossTheSequenceWrapAndPerInterval() {
        ReceptionStats s = new ReceptionStats(0x1234, OPUS);
        assertNull(s.report(0), "nothing to report before the first packet");
        // 100 packets from 65500, wrapping at 65536, five of them lost
        long t = feed(s, 0, range(65500, 100, 65510, 65530, 65536, 65537, 65590));
        ReceptionStats.ReportBlock first = s.report(t);
        assertEquals(0x1234, first.ssrc());
        assertEquals(65536 + (65599 - 65536), first.extendedHighestSeq(), "one cycle plus the highest after wrap");
        assertEquals(5, first.cumulativeLost());
        assertEquals(5 * 256 / 100, first.fractionLost());
        // the next interval: 50 packets, none lost, so the fraction is 0 and the total stays
        t = feed(s, t, range(65600, 50));
        ReceptionStats.ReportBlock second = s.report(t);
        assertEquals(0, second.fractionLost());
        assertEquals(5, second.cumulativeLost());
        assertEquals(65649, second.extendedHighestSeq());
        // a late packet of the first interval now counts as received: the total goes down, the fraction stays 0
        s.packet(65590 & 0xFFFF, 960L * 65590, t);
        assertEquals(4, s.report(t).cumulativeLost());
    }

    @Test
    void duplicatesCanMakeTheLossNegativeAndReorderingIsNotLoss() {
        ReceptionStats s = new ReceptionStats(1, OPUS);
        long t = feed(s, 0, 1, 2, 4, 3, 5, 5, 6);
        ReceptionStats.ReportBlock b = s.report(t);
        assertEquals(6, b.extendedHighestSeq());
        assertEquals(-1, b.cumulativeLost(), "RFC 3550 counts the duplicate as received");
        assertEquals(0, b.fractionLost());
    }

    @Test
    void aLargeJumpRestartsTheCountOnlyWhenTheNextPacketConfirmsIt() {
        ReceptionStats s = new ReceptionStats(1, OPUS);
        long t = feed(s, 0, range(1, 10));
        s.packet(40_000, 960L * 40_000, t);
        assertEquals(10, s.received(), "a lone jump is not counted yet");
        s.packet(40_001, 960L * 40_001, t + 20 * MS);
        assertEquals(1, s.received(), "the next packet confirms it: the sender restarted");
        ReceptionStats.ReportBlock b = s.report(t);
        assertEquals(40_001, b.extendedHighestSeq());
        assertEquals(0, b.cumulativeLost());
    }

    @Test
    void jitterFollowsTheVariationOfTransitTimes() {
        ReceptionStats steady = new ReceptionStats(1, OPUS);
        long t = 5_000 * MS;
        for (int i = 0; i < 200; i++) {
            steady.packet(i, 960L * i, t + i * 20 * MS);
        }
        assertEquals(0, steady.report(t).jitter(), "a constant delay is no jitter");
        ReceptionStats alternating = new ReceptionStats(1, OPUS);
        for (int i = 0; i < 200; i++) {
            alternating.packet(i, 960L * i, t + i * 20 * MS + (i % 2) * 10 * MS);
        }
        // every transit differs from the last by 10 ms = 480 units: J converges to 480 (J += (|D| - J) / 16)
        long j = alternating.report(t).jitter();
        assertTrue(j >= 478 && j <= 480, "jitter " + j);
    }

    @Test
    void theLastSenderReportAndTheDelaySinceItAreEchoed() {
        ReceptionStats s = new ReceptionStats(7, OPUS);
        feed(s, 0, 1, 2, 3);
        assertEquals(0, s.report(0).lastSenderReport(), "none received yet");
        s.senderReport(0xCCDD1122L, 1_000 * MS);
        ReceptionStats.ReportBlock b = s.report(1_500 * MS);
        assertEquals(0xCCDD1122L, b.lastSenderReport());
        assertEquals(32768, b.delaySinceLast(), "half a second in 1/65536 s");
    }

    @Test
    void theReceiverReportIsAnRrAndAnSdesWithTheCname() {
        ReceptionStats.ReportBlock block = new ReceptionStats.ReportBlock(0xAABBCCDDL, 12, -3, 0x10005L, 480,
                0xCCDD1122L, 32768);
        byte[] p = RtcpPackets.receiverReport(0x01020304L, block, "steno");
        ByteBuffer b = ByteBuffer.wrap(p);
        assertEquals(0x81, b.get() & 0xFF, "V=2, one report block");
        assertEquals(201, b.get() & 0xFF);
        assertEquals(7, b.getShort(), "32 bytes");
        assertEquals(0x01020304, b.getInt());
        assertEquals(0xAABBCCDD, b.getInt());
        assertEquals(12, b.get() & 0xFF);
        assertEquals(0xFFFFFD, ((b.get() & 0xFF) << 16) | (b.getShort() & 0xFFFF), "-3 in 24-bit two's complement");
        assertEquals(0x10005, b.getInt());
        assertEquals(480, b.getInt());
        assertEquals(0xCCDD1122, b.getInt());
        assertEquals(32768, b.getInt());
        assertEquals(0x81, b.get() & 0xFF, "V=2, one chunk");
        assertEquals(202, b.get() & 0xFF);
        int words = b.getShort();
        assertEquals(p.length, 32 + 4 * (words + 1), "the SDES length covers the rest");
        assertEquals(0x01020304, b.getInt());
        assertEquals(1, b.get(), "CNAME");
        assertEquals(5, b.get());
        byte[] name = new byte[5];
        b.get(name);
        assertEquals("steno", new String(name, StandardCharsets.US_ASCII));
        assertTrue(b.remaining() >= 1 && b.remaining() <= 4, "an END item and padding");
        while (b.hasRemaining()) {
            assertEquals(0, b.get());
        }
        assertNull(RtcpPackets.firstSenderReport(p, 0, p.length), "no sender report in it");
    }

    @Test
    void aSenderReportIsFoundInACompoundPacketAndGarbageIsNamed() {
        ByteBuffer sr = ByteBuffer.allocate(28 + 12);
        sr.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(0x5EED)
                .putInt(0xAABBCCDD).putInt(0x11223344).putInt(960).putInt(50).putInt(4000);
        sr.put((byte) 0x81).put((byte) 202).putShort((short) 2).putInt(0x5EED).put((byte) 1).put((byte) 1)
                .put((byte) 'x').put((byte) 0);
        byte[] p = sr.array();
        RtcpPackets.SenderReport found = RtcpPackets.firstSenderReport(p, 0, p.length);
        assertEquals(0x5EED, found.ssrc());
        assertEquals(0xCCDD1122L, found.ntpMiddle32(), "the middle 32 bits of the NTP time");
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> RtcpPackets.firstSenderReport(p, 0, 20));
        assertTrue(tooLong.getMessage().contains("says 28 bytes, 20 left"), tooLong.getMessage());
        byte[] v1 = p.clone();
        v1[0] = 0x40;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RtcpPackets.firstSenderReport(v1, 0, 28))
                .getMessage().contains("version 1"));
    }

    /** RFC 3711 SRTCP: decrypts and authenticates with session keys derived by labels 3 (cipher), 4 (auth), 5 (salt). */
    private static byte[] referenceDecrypt(byte[] srtcp) throws Exception {
        int tag = 10;
        int end = srtcp.length - tag;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SrtpTest.derive(4, 20), "HmacSHA1"));
        mac.update(srtcp, 0, end);
        assertArrayEquals(Arrays.copyOf(mac.doFinal(), tag), Arrays.copyOfRange(srtcp, end, srtcp.length),
                "authentication tag over the packet and the E|index word");
        long word = RtpHeader.readUint32(srtcp, end - 4);
        assertTrue((word & 0x80000000L) != 0, "E: the payload is encrypted");
        long index = word & 0x7FFFFFFFL;
        long ssrc = RtpHeader.readUint32(srtcp, 4);
        byte[] iv = new byte[16];
        System.arraycopy(SrtpTest.derive(5, 14), 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(SrtpTest.derive(3, 16), "AES"), new IvParameterSpec(iv));
        byte[] plain = Arrays.copyOf(srtcp, end - 4);
        byte[] dec = aes.doFinal(srtcp, 8, end - 4 - 8);
        System.arraycopy(dec, 0, plain, 8, dec.length);
        return plain;
    }

    @Test
    void srtcpMatchesTheRfcAndTamperingOrReplayFails() throws Exception {
        SrtpKey k = SrtpTest.key(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80);
        ReceptionStats.ReportBlock block = new ReceptionStats.ReportBlock(9, 0, 0, 100, 3, 0, 0);
        byte[] rr = RtcpPackets.receiverReport(0x77, block, "steno");
        try (SrtcpSender tx = new SrtcpSender(k, 0x77); SrtcpReceiver rx = new SrtcpReceiver(k)) {
            byte[] first = tx.encrypt(rr);
            byte[] second = tx.encrypt(rr);
            assertEquals(rr.length + 14, first.length, "E|index and a 10-byte tag");
            assertArrayEquals(rr, referenceDecrypt(first), "the RFC's decryption gives the report back");
            assertArrayEquals(rr, referenceDecrypt(second));
            assertTrue(!Arrays.equals(first, second), "each packet has its own index and keystream");
            byte[] tampered = first.clone();
            tampered[20] ^= 1;
            assertEquals(-1, rx.decrypt(tampered, 0, tampered.length), "a flipped bit fails authentication");
            byte[] ok = first.clone();
            assertEquals(rr.length, rx.decrypt(ok, 0, ok.length));
            assertArrayEquals(rr, Arrays.copyOf(ok, rr.length));
            byte[] replay = first.clone();
            assertEquals(-1, rx.decrypt(replay, 0, replay.length), "a replayed packet is refused");
            assertEquals(-1, rx.decrypt(new byte[10], 0, 10), "too short for SRTCP");
        }
    }
}
