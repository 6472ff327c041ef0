package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.audio.WavReader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GStreamer and FFmpeg each send a speech file as Opus RTP (two SSRCs, one port) through a proxy that drops 10 %,
 * reorders 10 % and duplicates 5 % of the datagrams: both participants' audio comes out whole and apart.
 */
@Tag(SystemPrograms.TAG)
class RealSendersTest {
    private static final long GST_SSRC = 0x11111111L;
    private static final long FFMPEG_SSRC = 1145324612L;

    @TempDir
    Path dir;

    @Test
    void twoSendersThroughALossyNetworkStayWholeAndApart() throws Exception {
        SystemPrograms.requireOnPath("gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good",
                "gst-launch-1.0");
        SystemPrograms.requireOnPath("ffmpeg", "ffmpeg");
        // Two different recordings, 5 s and 3.5 s (the whole LibriSpeech clip).
        Path alice = dir.resolve("alice.wav");
        run(List.of("ffmpeg", "-v", "error", "-y", "-i", SpeechFixture.jfk().toString(), "-t", "5", alice.toString()));
        Path bob = SpeechFixture.librispeech();

        ParticipantMap map = new ParticipantMap(List.of(
                new RtpMapping("standup", "alice", GST_SSRC, null, null, null),
                new RtpMapping("standup", "bob", FFMPEG_SSRC, null, null, null)));
        RecordingSink sink = new RecordingSink(2);
        RtpConfig config = RtpConfig.defaults().withPorts(List.of(0)).withAddresses("127.0.0.1", "127.0.0.1")
                .withIdleTimeout(Duration.ofSeconds(1)).withWorkers(2);
        try (RtpIngest ingest = new RtpIngest(config, map, sink, System::nanoTime);
             UdpReceiver receiver = new UdpReceiver(ingest);
             LossyUdpProxy proxy = new LossyUdpProxy(receiverPort(receiver), 0.10, 0.05, 0.10, 7)) {
            receiver.start();
            int port = proxy.port();
            Process gst = start(List.of("gst-launch-1.0", "-q", "filesrc", "location=" + alice, "!", "wavparse", "!",
                    "audioconvert", "!", "audioresample", "!", "audio/x-raw,rate=48000,channels=1", "!", "opusenc",
                    "bitrate=32000", "frame-size=20", "!", "rtpopuspay", "pt=111", "ssrc=" + GST_SSRC, "!",
                    "udpsink", "host=127.0.0.1", "port=" + port, "sync=true"), "gst");
            Process ffmpeg = start(List.of("ffmpeg", "-v", "error", "-re", "-i", bob.toString(), "-ac", "1", "-ar",
                    "48000", "-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-frame_duration", "20",
                    "-payload_type", "111", "-ssrc", Long.toString(FFMPEG_SSRC), "-f", "rtp",
                    "rtp://127.0.0.1:" + port + "?pkt_size=1200"), "ffmpeg");
            try {
                assertTrue(gst.waitFor(20, TimeUnit.SECONDS), "gst-launch finished");
                assertTrue(ffmpeg.waitFor(20, TimeUnit.SECONDS), "ffmpeg finished");
            } finally {
                gst.destroyForcibly();
                ffmpeg.destroyForcibly();
            }
            assertEquals(0, gst.exitValue(), Files.readString(dir.resolve("gst.log")));
            assertEquals(0, ffmpeg.exitValue(), Files.readString(dir.resolve("ffmpeg.log")));
            assertTrue(sink.awaitEnds(10), "both streams ended after the idle timeout: " + sink.tracks.keySet());
            assertTrue(proxy.dropped.get() > 10 && proxy.duplicated.get() > 5 && proxy.reordered.get() > 10,
                    "the proxy damaged the traffic");
            assertTrue(ingest.dropStats().count(DropReason.DUPLICATE) > 0, "duplicates were dropped");
        }

        float[] aliceSource = WavReader.read(alice).resampledTo(16_000).samples();
        float[] bobSource = WavReader.read(bob).resampledTo(16_000).samples();
        RecordingSink.Track a = sink.tracks.get("alice");
        RecordingSink.Track b = sink.tracks.get("bob");
        assertNull(a.error);
        assertNull(b.error);
        assertTrue(a.losses > 0 && b.losses > 0, "losses were seen and concealed: " + a.losses + ", " + b.losses);
        // Length tolerance 100 ms: the encoders' look-ahead and padding to whole 20 ms frames add up to ~27 ms, and
        // a lost first or last packet (2 x 20 ms) has no neighbour to be concealed from.
        assertEquals(aliceSource.length, a.length, 1600, "alice's audio length (samples at 16 kHz)");
        assertEquals(bobSource.length, b.length, 1600, "bob's audio length (samples at 16 kHz)");
        double[] ea = RecordingSink.envelope(a.audio());
        double[] eb = RecordingSink.envelope(b.audio());
        double[] sa = RecordingSink.envelope(aliceSource);
        double[] sb = RecordingSink.envelope(bobSource);
        double aa = RecordingSink.correlation(ea, sa);
        double ab = RecordingSink.correlation(ea, sb);
        double bb = RecordingSink.correlation(eb, sb);
        double ba = RecordingSink.correlation(eb, sa);
        System.out.printf("alice %d/%d samples, %d lost; bob %d/%d samples, %d lost; envelope correlation own %.3f/%.3f,"
                + " other %.3f/%.3f%n", a.length, aliceSource.length, a.losses, b.length, bobSource.length, b.losses,
                aa, bb, ab, ba);
        assertTrue(aa > 0.8 && bb > 0.8, "each participant sounds like its own recording: " + aa + ", " + bb);
        assertTrue(aa > ab + 0.3 && bb > ba + 0.3, "and not like the other's: " + ab + ", " + ba);
    }

    private static int receiverPort(UdpReceiver receiver) {
        return receiver.ports().get(0);
    }

    private Process start(List<String> command, String name) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                new File(dir.toFile(), "prep.log")).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("prep.log")));
    }
}
