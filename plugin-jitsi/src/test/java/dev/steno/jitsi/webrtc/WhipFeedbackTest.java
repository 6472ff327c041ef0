package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.steno.jitsi.rtp.DropReason;
import dev.steno.jitsi.rtp.RtcpPackets;
import dev.steno.jitsi.rtp.RtpOpusPacketizer;
import dev.steno.jitsi.rtp.SrtcpReceiver;
import dev.steno.jitsi.rtp.SrtcpSender;
import dev.steno.jitsi.rtp.SrtpKey;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A session's RTCP: only authenticated RTP counts, the publisher's sender report (SRTCP under its key) is echoed, a
 * forged one is not, and the report goes out under Steno's own key.
 */
class WhipFeedbackTest {
    private static final long MS = 1_000_000L;
    private static final long PUBLISHER = 0xABCDEF01L;

    private static SrtpKey key(long seed) {
        byte[] b = new byte[30];
        new Random(seed).nextBytes(b);
        return new SrtpKey(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80, Base64.getEncoder().encodeToString(b));
    }

    private static byte[] senderReport(long ssrc, long ntpSeconds, long ntpFraction) {
        return ByteBuffer.allocate(28).put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt((int) ssrc)
                .putInt((int) ntpSeconds).putInt((int) ntpFraction).putInt(0).putInt(10).putInt(800).array();
    }

    @Test
    void reportsCountAuthenticatedAudioAndEchoTheAuthenticSenderReport() {
        SrtpKey publisherKey = key(1);
        SrtpKey serverKey = key(2);
        try (WhipFeedback f = new WhipFeedback(0x5E0, "steno", publisherKey, serverKey);
             SrtcpSender publisherRtcp = new SrtcpSender(publisherKey, PUBLISHER);
             SrtcpSender forger = new SrtcpSender(key(3), PUBLISHER);
             SrtcpReceiver publisherSide = new SrtcpReceiver(serverKey)) {
            assertNull(f.report(0), "nothing to report before audio");
            byte[] payload = {1, 2, 3};
            for (int seq = 1; seq <= 10; seq++) {
                byte[] p = RtpOpusPacketizer.rtp(111, seq, 960L * seq, PUBLISHER, false, payload, 0, payload.length);
                f.rtp(p, 0, p.length, seq == 4 ? DropReason.TOO_LATE : null, seq * 20 * MS);
            }
            // a forged packet far ahead: it failed SRTP, so it must not move the highest sequence number
            byte[] forged = RtpOpusPacketizer.rtp(111, 500, 0, PUBLISHER, false, payload, 0, payload.length);
            f.rtp(forged, 0, forged.length, DropReason.SRTP_FAILED, 250 * MS);

            byte[] sr = publisherRtcp.encrypt(senderReport(PUBLISHER, 0xAABBCCDDL, 0x11223344L));
            f.rtcp(sr, 0, sr.length, 300 * MS);
            byte[] fake = forger.encrypt(senderReport(PUBLISHER, 0x01020304L, 0x05060708L));
            f.rtcp(fake, 0, fake.length, 310 * MS);
            byte[] junk = new byte[40];
            junk[0] = (byte) 0x80;
            junk[1] = (byte) 200;
            f.rtcp(junk, 0, junk.length, 320 * MS);
            assertEquals(1, f.senderReports());
            assertEquals(2, f.rejectedRtcp(), "the forged and the garbage report");

            byte[] report = f.report(800 * MS);
            int n = publisherSide.decrypt(report, 0, report.length);
            ByteBuffer rr = ByteBuffer.wrap(report, 0, n);
            assertEquals(201, rr.get(1) & 0xFF);
            assertEquals(0x5E0, rr.getInt(4));
            assertEquals((int) PUBLISHER, rr.getInt(8), "the block is about the publisher");
            assertEquals(0, rr.getInt(12), "nothing lost: the late packet was received");
            assertEquals(10, rr.getInt(16), "highest sequence number: the forged 500 did not count");
            assertEquals(0xCCDD1122, rr.getInt(24), "LSR: the authentic sender report");
            assertEquals(0.5 * 65536, rr.getInt(28), "DLSR: 500 ms after it arrived");
            assertNull(RtcpPackets.firstSenderReport(report, 0, n));
            assertEquals(1, f.reportsSent());
        }
    }
}
