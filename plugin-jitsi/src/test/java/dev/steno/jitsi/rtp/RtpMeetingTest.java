package dev.steno.jitsi.rtp;

import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.TestStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.ToneRecognizer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RTP streams become meeting participants: two SSRCs on one port, Opus in real RTP packets over UDP, end up as two
 * speakers of one stored meeting transcript, each with exactly the words of its own audio (a tone recogniser names
 * each tone burst after its pitch, so routing is checked word for word).
 */
class RtpMeetingTest {
    @TempDir
    Path dir;

    @Test
    void twoSsrcsBecomeTwoSpeakersOfOneStoredMeeting() throws Exception {
        try (JdbcTranscriptStore store = JdbcTranscriptStore.sqlite(dir);
             StreamService service = TestStreams.localAgreement(new ToneRecognizer(), 4);
             MeetingRegistry registry = new MeetingRegistry(service, store)) {
            MeetingAudioSink sink = new MeetingAudioSink(registry, null);
            ParticipantMap map = new ParticipantMap(List.of(
                    new RtpMapping("standup", "ann", 0x11111111L, null, null, null),
                    new RtpMapping("standup", "bob", 0x22222222L, null, null, null)));
            RtpConfig config = RtpConfig.defaults().withPorts(List.of(0)).withAddresses("127.0.0.1", "127.0.0.1")
                    .withIdleTimeout(Duration.ofMillis(800)).withWorkers(1);
            RtpExtension rtp = new RtpExtension(config, map, sink);
            rtp.start();
            try (DatagramChannel tx = DatagramChannel.open()) {
                InetSocketAddress to = new InetSocketAddress("127.0.0.1", rtp.ports().get(0));
                // gaps over 1 s: LocalAgreement (as whisper_streaming) treats an identical word starting within 1 s
                // of the last committed one as re-decoded overlap
                List<byte[]> ann = RtpOpusPacketizer.encode(Audio.bursts(48_000, 300, 2, 0.5, 1.2),
                        0x11111111L, 111, 100, 0, 32_000, false);
                List<byte[]> bob = RtpOpusPacketizer.encode(Audio.bursts(48_000, 1100, 3, 0.5, 1.2),
                        0x22222222L, 111, 60_000, 5_000, 32_000, false);
                for (int i = 0; i < Math.max(ann.size(), bob.size()); i++) {
                    if (i < ann.size()) {
                        tx.send(ByteBuffer.wrap(ann.get(i)), to);
                    }
                    if (i < bob.size()) {
                        tx.send(ByteBuffer.wrap(bob.get(i)), to);
                    }
                    Thread.sleep(20); // real time, as a media server sends
                }
                // the idle timeout ends both streams; their participants finish and leave the meeting
                Await.until(Duration.ofSeconds(30), () -> sink.activeFeeds() == 0
                        && registry.meeting("standup").participants().isEmpty(),
                        () -> "idle RTP streams end their participants: " + sink.activeFeeds() + " feeds, "
                                + registry.meeting("standup").participants());
            } finally {
                rtp.close();
            }
            MeetingTranscript t = store.transcript("standup").orElseThrow();
            assertEquals("alpha alpha", words(t, "ann"), t.lines().toString());
            assertEquals("charlie charlie charlie", words(t, "bob"));
            assertTrue(t.lines().stream().map(MeetingTranscript.Line::speaker).distinct().count() == 2,
                    "two speakers: " + t.lines());
        }
    }

    private static String words(MeetingTranscript t, String participant) {
        return t.lines().stream().filter(l -> l.participantId().equals(participant))
                .map(MeetingTranscript.Line::text).map(String::strip).collect(Collectors.joining(" "));
    }
}
