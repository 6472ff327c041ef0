package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The receive thread's share of the packet path (validation, stream lookup, jitter-buffer insert, waking a worker)
 * allocates next to nothing per packet: about 16 bytes for the boxed stream key of the map lookup, plus queue nodes
 * when a lock is contended (measured: ~28 bytes per packet). For scale, Concentus allocates ~11 KB per packet on the
 * decode workers. The bound catches any per-packet object (a string, an exception, a copy of the packet).
 */
class ReceivePathAllocationTest {
    @Test
    void handlingAPacketAllocatesAlmostNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<byte[]> template = RtpOpusPacketizer.encode(SpeechFixture.at48k(SpeechFixture.jfk(), 0.2), 0, 111, 0, 0,
                32_000, false);
        int streams = 8;
        List<RtpMapping> rules = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            rules.add(new RtpMapping("m", "p" + s, 1000L + s, null, null, null));
        }
        RecordingSink sink = new RecordingSink(streams);
        RtpConfig config = RtpConfig.defaults().withPorts(List.of(5004)).withWorkers(2)
                .withIdleTimeout(Duration.ofMinutes(1));
        byte[] packet = template.get(3).clone();
        int rounds = 4000;
        long allocated = 0;
        try (RtpIngest ingest = new RtpIngest(config, new ParticipantMap(rules), sink, System::nanoTime)) {
            for (int r = 0; r < rounds; r++) {
                if (r == rounds / 2) {
                    allocated = threads.getCurrentThreadAllocatedBytes();
                }
                for (int s = 0; s < streams; s++) {
                    long ssrc = 1000L + s;
                    // Rewrite sequence, timestamp and SSRC in place: one buffer, like the receiver's.
                    packet[2] = (byte) (r >>> 8);
                    packet[3] = (byte) r;
                    long ts = r * 960L;
                    packet[4] = (byte) (ts >>> 24);
                    packet[5] = (byte) (ts >>> 16);
                    packet[6] = (byte) (ts >>> 8);
                    packet[7] = (byte) ts;
                    packet[8] = (byte) (ssrc >>> 24);
                    packet[9] = (byte) (ssrc >>> 16);
                    packet[10] = (byte) (ssrc >>> 8);
                    packet[11] = (byte) ssrc;
                    DropReason drop = ingest.handle(5004, packet, 0, packet.length);
                    if (drop == DropReason.OVERLOAD) {
                        Thread.sleep(1); // let the workers catch up; overload is not what this test is about
                    } else {
                        assertNull(drop);
                    }
                }
                if (r % 32 == 0) {
                    Thread.sleep(1);
                }
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
        }
        double perPacket = allocated / (rounds / 2.0 * streams);
        System.out.printf("receive path: %.2f bytes allocated per packet%n", perPacket);
        assertTrue(perPacket < 64, perPacket + " bytes per packet on the receive thread");
        assertEquals(streams, sink.tracks.size());
    }
}
