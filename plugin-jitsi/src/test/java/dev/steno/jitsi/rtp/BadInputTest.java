package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Garbage on the port (truncated, oversized, wrong version and payload type, an SSRC flood, RTCP, SRTP with a wrong
 * key, odd STUN) is dropped with a logged, rate-limited reason while a good stream plays on, whole.
 */
class BadInputTest {
    private static final long GOOD = 0xABCDEF01L;
    private static final long SECURE = 0x5EC0E5L;

    @Test
    void badDatagramsAreDroppedWithAReasonAndTheGoodStreamContinues() throws Exception {
        List<String> logged = new ArrayList<>();
        Logger jul = Logger.getLogger(DropStats.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (logged) {
                    logged.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        SrtpKey key = SrtpKey.parse("AES_CM_128_HMAC_SHA1_80:" + java.util.Base64.getEncoder().encodeToString(
                "0123456789abcdef0123456789abcd".getBytes()));
        ParticipantMap map = new ParticipantMap(List.of(
                new RtpMapping("m", "good", GOOD, null, null, null),
                new RtpMapping("m", "secure", SECURE, null, null, key)));
        RecordingSink sink = new RecordingSink(2);
        RtpConfig config = RtpConfig.defaults().withPorts(List.of(0)).withAddresses("127.0.0.1", "127.0.0.1")
                .withIdleTimeout(Duration.ofMillis(600)).withLimits(100, 50).withWorkers(2);
        float[] speech = SpeechFixture.at48k(SpeechFixture.jfk(), 2.0);
        List<byte[]> good = RtpOpusPacketizer.encode(speech, GOOD, 111, 65500, 0, 32_000, false);
        List<byte[]> secure = RtpOpusPacketizer.encode(speech, SECURE, 111, 10, 0, 32_000, false);
        Random random = new Random(3);
        try (RtpIngest ingest = new RtpIngest(config, map, sink, System::nanoTime);
             UdpReceiver receiver = new UdpReceiver(ingest);
             DatagramChannel tx = DatagramChannel.open();
             SrtpSender srtp = new SrtpSender(key, SECURE)) {
            receiver.start();
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", receiver.ports().get(0));
            byte[] fake = new byte[30];
            for (int i = 0; i < good.size(); i++) {
                byte[] p = good.get(i);
                send(tx, to, p);
                byte[] s = secure.get(i);
                send(tx, to, srtp.encrypt(s, 0, s.length));
                send(tx, to, Arrays.copyOf(p, 7));                               // truncated
                send(tx, to, Arrays.copyOf(p, 2000));                            // oversized
                byte[] v1 = p.clone();
                v1[0] = 0x40;
                send(tx, to, v1);                                                // version 1
                send(tx, to, RtpOpusPacketizer.rtp(0, i, i * 960L, GOOD, false, p, 12, p.length - 12)); // PT 0
                for (int k = 0; k < 40; k++) {                                   // unknown SSRC flood
                    send(tx, to, RtpOpusPacketizer.rtp(111, i, 0, random.nextInt() & 0xFFFFFFFFL, false, p, 12, 20));
                }
                byte[] rtcp = {(byte) 0x80, (byte) 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0, 0, 0, 0};
                send(tx, to, rtcp);                                              // RTCP (rtcp-mux)
                if (i % 10 == 0) {
                    random.nextBytes(fake);
                    byte[] forged = RtpOpusPacketizer.rtp(111, 40000 + i, 0, SECURE, false, fake, 0, fake.length);
                    send(tx, to, forged);                                        // SRTP without a valid tag
                }
                // 2x real time: ~4,700 datagrams/s, so one receive thread descheduled for a while on a busy machine
                // does not overrun a default-sized (212 KB) socket buffer
                Thread.sleep(10);
            }
            assertTrue(sink.awaitEnds(15), "both good streams ended");
            DropStats d = ingest.dropStats();
            System.out.println("drops " + d.snapshot() + " tracks " + sink.tracks.get("good").length + " " + sink.tracks.get("secure").length);
            // Loopback UDP may still lose a few datagrams when this shared machine is busy: allow 5 %.
            for (DropReason r : List.of(DropReason.TRUNCATED, DropReason.OVERSIZED, DropReason.WRONG_VERSION,
                    DropReason.WRONG_PAYLOAD_TYPE, DropReason.RTCP)) {
                assertEquals(good.size(), d.count(r), good.size() * 0.05, r.name());
            }
            assertEquals(good.size() * 40.0, d.count(DropReason.UNKNOWN_SSRC), good.size() * 2.0);
            assertTrue(d.count(DropReason.SRTP_FAILED) >= 8, "forged SRTP packets refused");
            assertEquals(50, ingest.unknownSources().size(), "unknown sources tracked up to the cap");
            assertTrue(ingest.unknownSources().evicted() > 1000);
        } finally {
            jul.removeHandler(capture);
        }
        for (String name : List.of("good", "secure")) {
            RecordingSink.Track t = sink.tracks.get(name);
            assertNull(t.error);
            assertEquals(good.size() * 320, t.length, name + ": every packet decoded (or, if lost, concealed)");
            assertTrue(t.losses <= 3, name + " lost " + t.losses);
        }
        assertTrue(RecordingSink.correlation(RecordingSink.envelope(sink.tracks.get("secure").audio()),
                RecordingSink.envelope(sink.tracks.get("good").audio())) > 0.99, "SRTP stream decrypted to the same audio");
        synchronized (logged) {
            for (String reason : List.of("truncated RTP packet", "oversized datagram", "RTP version is not 2",
                    "wrong RTP payload type", "unknown SSRC", "SRTP authentication failed")) {
                long lines = logged.stream().filter(l -> l.contains(reason)).count();
                assertTrue(lines >= 1, "logged: " + reason + " in " + logged);
                assertTrue(lines <= 2, "rate-limited: " + reason + " logged " + lines + " times");
            }
            assertTrue(logged.stream().noneMatch(l -> l.contains("RTCP")), "RTCP is counted, not logged");
        }
    }

    private static void send(DatagramChannel tx, InetSocketAddress to, byte[] p) throws Exception {
        tx.send(ByteBuffer.wrap(p), to);
    }
}
