package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reordering, duplicates, loss by count and by time, and 16-bit wrap. */
class JitterBufferTest {
    private static final long MS = 1_000_000L;

    private final JitterBuffer jb = new JitterBuffer(64, 100, 3, 100 * MS);
    private final JitterBuffer.Released out = new JitterBuffer.Released(100);

    private JitterBuffer.Offer offer(int seq, long now) {
        byte[] payload = {(byte) seq, (byte) (seq >>> 8)};
        return jb.offer(seq & 0xFFFF, seq * 960L, payload, 0, 2, now);
    }

    /** Everything releasable now, as "seq" for packets (low 16 bits) and "!seq" for losses. */
    private List<String> drain(long now) {
        List<String> r = new ArrayList<>();
        while (jb.poll(out, now, false) != JitterBuffer.Kind.NONE) {
            int seq16 = (int) (out.sequence & 0xFFFF);
            if (out.kind == JitterBuffer.Kind.PACKET) {
                assertEquals((byte) seq16, out.data[0], "payload travels with its number");
                r.add(Integer.toString(seq16));
            } else {
                r.add("!" + seq16);
            }
        }
        return r;
    }

    @Test
    void reordersWithinTheWindow() {
        assertEquals(JitterBuffer.Offer.ACCEPTED, offer(10, 0));
        assertEquals(List.of("10"), drain(0));
        offer(12, 1);
        offer(13, 2);
        assertEquals(List.of(), drain(2), "11 may still come: hold 12 and 13");
        offer(11, 3);
        assertEquals(List.of("11", "12", "13"), drain(3));
    }

    @Test
    void dropsDuplicatesBeforeAndAfterPlayout() {
        offer(5, 0);
        offer(7, 0);
        assertEquals(JitterBuffer.Offer.DUPLICATE, offer(7, 1), "still buffered");
        assertEquals(List.of("5"), drain(1));
        assertEquals(JitterBuffer.Offer.DUPLICATE, offer(5, 2), "already played");
        offer(6, 3);
        assertEquals(List.of("6", "7"), drain(3));
    }

    @Test
    void declaresLossOnceEnoughLaterPacketsArrived() {
        offer(1, 0);
        drain(0);
        offer(3, 1);
        offer(4, 1);
        assertEquals(List.of(), drain(1));
        offer(5, 1); // 3 packets beyond the gap: depth reached
        assertEquals(List.of("!2", "3", "4", "5"), drain(1));
        assertEquals(JitterBuffer.Offer.TOO_LATE, offer(2, 2), "its turn is over");
    }

    @Test
    void declaresLossAfterTheDelay() {
        offer(1, 0);
        drain(0);
        offer(4, 10 * MS);
        assertEquals(List.of(), drain(50 * MS));
        assertEquals(60 * MS, jb.waitNanos(50 * MS));
        assertEquals(List.of("!2", "!3", "4"), drain(110 * MS));
    }

    @Test
    void followsSequenceNumbersAcrossTheWrap() {
        offer(65534, 0);
        offer(0, 0);
        offer(65535, 0);
        offer(1, 0);
        assertEquals(List.of("65534", "65535", "0", "1"), drain(0));
        assertEquals(65536 + 65534 + 4, jb.nextSequence(), "extended numbers keep counting");
    }

    @Test
    void restartsAfterAJumpBeyondTheWindow() {
        offer(100, 0);
        drain(0);
        offer(102, 0);
        assertEquals(JitterBuffer.Offer.RESYNCED, offer(30000, 1));
        assertEquals(1, jb.discarded());
        assertEquals(List.of("30000"), drain(1));
    }

    @Test
    void aFullWindowRefusesInsteadOfForgetting() {
        for (int s = 0; s < 64; s++) {
            assertEquals(JitterBuffer.Offer.ACCEPTED, offer(s, 0));
        }
        assertEquals(JitterBuffer.Offer.FULL, offer(64, 0), "playout has not caught up");
        assertEquals(64, jb.pending());
        assertEquals("0", drain(0).get(0));
        assertEquals(JitterBuffer.Offer.ACCEPTED, offer(64, 0));
    }

    @Test
    void forcedPollEmptiesTheBuffer() {
        offer(1, 0);
        offer(3, 0);
        List<String> r = new ArrayList<>();
        while (jb.poll(out, 0, true) != JitterBuffer.Kind.NONE) {
            r.add((out.kind == JitterBuffer.Kind.LOST ? "!" : "") + out.sequence % 65536);
        }
        assertEquals(List.of("1", "!2", "3"), r);
    }
}
