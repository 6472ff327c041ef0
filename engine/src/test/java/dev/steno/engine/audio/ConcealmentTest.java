package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steno.engine.audio.Concealment.Gap;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gap policy's limits, and the decoder following them. */
class ConcealmentTest {
    private static final Concealment RTP_LIKE = new Concealment(200, 10_000, true, true);

    @Test
    void upToHalfAFrameEitherWayIsJitter() {
        Concealment c = Concealment.MILLISECOND_TIMESTAMPS;
        assertEquals(Gap.JITTER, c.classify(480, 960));
        assertEquals(Gap.JITTER, c.classify(-480, 960));
        assertEquals(Gap.LOSS, c.classify(481, 960));
        assertEquals(Gap.RESET, c.classify(-481, 960));
        // never less than 2.5 ms, however short the frames
        assertEquals(Gap.JITTER, c.classify(Concealment.STEP, 120));
        assertEquals(Gap.LOSS, c.classify(Concealment.STEP + 1, 120));
    }

    @Test
    void aJumpBeyondTheLongestGapIsAReset() {
        Concealment c = new Concealment(200, 3000, false, false);
        assertEquals(Gap.LOSS, c.classify(3000 * 48, 960));
        assertEquals(Gap.RESET, c.classify(3000 * 48 + 1, 960));
        assertEquals(Gap.RESET, c.classify(Long.MAX_VALUE / 2, 960));
    }

    @Test
    void concealmentStopsAtItsLimitInWholeSteps() {
        assertEquals(200 * 48, RTP_LIKE.concealedSamples(3 * 48_000));
        assertEquals(1000 * 48, Concealment.MILLISECOND_TIMESTAMPS.concealedSamples(3 * 48_000));
        assertEquals(960, RTP_LIKE.concealedSamples(1000), "rounded down to 2.5 ms steps");
        assertEquals(0, new Concealment(0, 10_000, false, false).concealedSamples(48_000));
    }

    @Test
    void fecCoversTheFrameBeforeThePacketOnlyWhenOnAndCarried() {
        assertEquals(960, RTP_LIKE.fecSamples(5 * 960, 960, true));
        assertEquals(600, RTP_LIKE.fecSamples(650, 960, true), "at most the gap, in whole steps");
        assertEquals(0, RTP_LIKE.fecSamples(5 * 960, 960, false), "a CELT packet carries no FEC");
        assertEquals(0, Concealment.MILLISECOND_TIMESTAMPS.fecSamples(5 * 960, 960, true));
    }

    @Test
    void limitsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new Concealment(-1, 10_000, false, false));
        assertThrows(IllegalArgumentException.class, () -> new Concealment(2000, 1000, false, false));
    }

    @Test
    void theDecoderConcealsUpToTheLimitThenInsertsSilence() throws Exception {
        List<byte[]> packets = tone(50);
        Concealment c = new Concealment(100, 10_000, false, true);
        int[] delivered = {0};
        OpusPacketDecoder d = new OpusPacketDecoder(c, 0, 0, (s, off, len) -> delivered[0] += len);
        for (int i = 0; i < packets.size(); i++) {
            if (i < 10 || i >= 35) { // 25 packets, 500 ms, lost
                byte[] p = packets.get(i);
                d.decodeAt(p, 0, p.length, i * 960L);
            }
        }
        d.end();
        assertEquals(100 * 48, d.concealedSamples());
        assertEquals(25 * 960 - 100 * 48, d.silenceSamples());
        assertEquals(0, d.fecSamples() + d.resyncs());
        assertEquals(50 * 320, delivered[0], "the output keeps the timestamps' length");
    }

    @Test
    void exactTimestampsReanchorOnJitterWhileRoundedOnesKeepTheirAnchor() throws Exception {
        List<byte[]> packets = tone(20);
        for (boolean exact : new boolean[] {true, false}) {
            OpusPacketDecoder d = new OpusPacketDecoder(new Concealment(1000, 10_000, false, exact), 0, 0,
                    (s, off, len) -> { });
            for (int i = 0; i < packets.size(); i++) {
                byte[] p = packets.get(i);
                d.decodeAt(p, 0, p.length, i * (960L + 200)); // each packet 200 samples later than expected
            }
            // re-anchored, every gap is 200 samples of jitter; anchored once, the drift passes 480 every third packet
            assertEquals(exact ? 0 : 6 * 600, d.concealedSamples(), "exact timestamps: " + exact);
        }
    }

    /** {@code count} 20 ms packets of a 440 Hz tone. */
    private static List<byte[]> tone(int count) throws Exception {
        OpusEncoder enc = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        short[] frame = new short[960];
        byte[] out = new byte[1275];
        List<byte[]> packets = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            for (int i = 0; i < frame.length; i++) {
                frame[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * (f * 960 + i) / 48_000.0));
            }
            packets.add(Arrays.copyOf(out, enc.encode(frame, 0, frame.length, out, 0, out.length)));
        }
        return packets;
    }
}
