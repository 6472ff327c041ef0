package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.AudioFormatException;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decoding with loss: length kept on the RTP clock, FEC better than concealment, resets and bad packets survived. */
class OpusRtpDecoderTest {
    private static float[] speech;

    @BeforeAll
    static void load() throws Exception {
        speech = SpeechFixture.at48k(SpeechFixture.jfk(), 6.0);
    }

    /** Decodes the packets that {@code keep} accepts (by index) and returns the 16 kHz output. */
    private static float[] decode(List<byte[]> packets, IntPredicate keep, OpusRtpDecoder[] decoderOut)
            throws AudioFormatException {
        float[] out = new float[packets.size() * 320 + 1000];
        int[] n = {0};
        OpusRtpDecoder d = new OpusRtpDecoder((s, off, len) -> {
            System.arraycopy(s, off, out, n[0], len);
            n[0] += len;
        });
        RtpHeader h = new RtpHeader();
        for (int i = 0; i < packets.size(); i++) {
            if (keep.test(i)) {
                byte[] p = packets.get(i);
                h.parse(p, 0, p.length);
                d.packet(h.timestamp(), p, h.payloadOffset(), h.payloadLength());
            }
        }
        d.end();
        decoderOut[0] = d;
        return java.util.Arrays.copyOf(out, n[0]);
    }

    private static double errorEnergy(float[] a, float[] b) {
        double e = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            e += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return e;
    }

    @Test
    void lossIsFilledSoTheLengthFollowsTheRtpClock() throws Exception {
        // Timestamps start just below 2^32 so that they wrap during the stream.
        List<byte[]> packets = RtpOpusPacketizer.encode(speech, 1, 111, 0, 0xFFFF_FFFFL - 48_000, 32_000, true);
        OpusRtpDecoder[] d = new OpusRtpDecoder[1];
        float[] all = decode(packets, i -> true, d);
        int expected = packets.size() * 320; // 20 ms at 16 kHz per packet
        assertEquals(expected, all.length);
        float[] lossy = decode(packets, i -> i % 10 != 5, d); // 10 % loss, never the first or last
        assertEquals(expected, lossy.length, "lost packets are replaced by as much audio");
        assertEquals(0, d[0].resyncs());
        long lost = packets.size() / 10;
        assertEquals(lost * 960, d[0].fecSamples() + d[0].concealedSamples(), "every lost frame filled");
        assertTrue(d[0].fecSamples() > 0, "SILK packets with LBRR go through FEC decoding");
    }

    @Test
    void inBandFecRecoversBetterThanConcealment() throws Exception {
        List<byte[]> withFec = RtpOpusPacketizer.encode(speech, 1, 111, 0, 0, 32_000, true);
        List<byte[]> noFec = RtpOpusPacketizer.encode(speech, 1, 111, 0, 0, 32_000, false);
        IntPredicate loss = i -> i % 7 != 3;
        OpusRtpDecoder[] d = new OpusRtpDecoder[1];
        // Measured against each stream's own loss-free decoding: the codec's own error is the same on both sides.
        double fecError = errorEnergy(decode(withFec, loss, d), decode(withFec, i -> true, d));
        double plcError = errorEnergy(decode(noFec, loss, d), decode(noFec, i -> true, d));
        assertTrue(fecError < 0.8 * plcError, "FEC error " + fecError + " vs concealment " + plcError);
    }

    @Test
    void aClockJumpIsAResetNotHoursOfSilence() throws Exception {
        List<byte[]> a = RtpOpusPacketizer.encode(java.util.Arrays.copyOf(speech, 48_000), 1, 111, 0, 1000, 32_000,
                false);
        List<byte[]> b = RtpOpusPacketizer.encode(java.util.Arrays.copyOf(speech, 48_000), 1, 111, 50, 1000 + 48_000L * 3600,
                32_000, false);
        List<byte[]> both = new java.util.ArrayList<>(a);
        both.addAll(b);
        OpusRtpDecoder[] d = new OpusRtpDecoder[1];
        float[] out = decode(both, i -> true, d);
        assertEquals(both.size() * 320, out.length);
        assertEquals(1, d[0].resyncs());
        assertEquals(0, d[0].silenceSamples());
    }

    @Test
    void aLongGapIsConcealedFirstThenSilence() throws Exception {
        List<byte[]> packets = RtpOpusPacketizer.encode(java.util.Arrays.copyOf(speech, 48_000 * 4), 1, 111, 0, 0,
                32_000, false);
        OpusRtpDecoder[] d = new OpusRtpDecoder[1];
        float[] out = decode(packets, i -> i < 20 || i >= 170, d); // 3 s missing
        assertEquals(packets.size() * 320, out.length);
        assertEquals(150 * 960, d[0].concealedSamples() + d[0].silenceSamples() + d[0].fecSamples());
        assertEquals(OpusRtpDecoder.MAX_CONCEALED_MS * 48L, d[0].concealedSamples(),
                "concealment covers its maximum, silence the rest");
        assertTrue(d[0].fecSamples() <= 960, "FEC (or its fallback) fills at most the frame before the packet");
        assertTrue(d[0].silenceSamples() > 2 * 48_000);
    }

    @Test
    void invalidOpusIsReportedAndDecodingGoesOn() throws Exception {
        int[] got = {0};
        OpusRtpDecoder d = new OpusRtpDecoder((s, off, len) -> got[0] += len);
        List<byte[]> packets = RtpOpusPacketizer.encode(java.util.Arrays.copyOf(speech, 9600), 1, 111, 0, 0, 32_000,
                false);
        RtpHeader h = new RtpHeader();
        byte[] first = packets.get(0);
        h.parse(first, 0, first.length);
        d.packet(h.timestamp(), first, h.payloadOffset(), h.payloadLength());
        // TOC code 3 (arbitrary frame count) with a frame count byte of 0 is invalid (RFC 6716 3.2.5).
        assertThrows(AudioFormatException.class, () -> d.packet(960, new byte[] {(byte) 0x03, 0}, 0, 2));
        for (int i = 1; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            h.parse(p, 0, p.length);
            d.packet(h.timestamp(), p, h.payloadOffset(), h.payloadLength());
        }
        d.end();
        assertEquals(packets.size() * 320, got[0]);
    }
}
