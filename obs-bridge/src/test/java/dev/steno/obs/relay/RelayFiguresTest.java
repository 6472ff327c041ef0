package dev.steno.obs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.OperatingSystemMXBean;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.CaptionBridge;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.cea608.Ffmpeg;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's figures, printed: how much later each picture reaches the destination than over a direct RTMP push,
 * how long after its word each caption shows in the received video (FFmpeg's 608 decoder as the oracle) with and
 * without a caption delay, and the CPU the relay takes. Asserts only what must hold in every run (every packet
 * arrives unchanged, captions decode), never a time. Run alone:
 * {@code ./mvnw -o verify -pl obs-bridge -am -Dtest=RelayFiguresTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag(SystemPrograms.TAG)
class RelayFiguresTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void stream() throws Exception {
        Ffmpeg.require();
        RelayMedia.obsLikeStream(dir, "sent.flv", SharedFixtures.file("audio/jfk.wav"), 11);
    }


    /** What a destination received: the file, and for each picture how late it arrived after the sender sent it. */
    record Reception(Path file, List<Double> lateSeconds) {
    }

    /** An FFmpeg RTMP listener whose FLV output the test reads as it arrives, timing every picture. */
    private static final class Destination {
        final Process ffmpeg;
        final Thread reader;
        final List<long[]> pictures = new CopyOnWriteArrayList<>(); // {dts ms, arrival nanos}
        final Path file;

        Destination(int port, String name) throws Exception {
            file = dir.resolve(name);
            ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-listen", "1", "-i",
                    "rtmp://127.0.0.1:" + port + "/live/out", "-c", "copy", "-flvflags", "no_duration_filesize",
                    "-f", "flv", "pipe:1").redirectError(dir.resolve(name + ".log").toFile()).start();
            reader = Thread.ofPlatform().start(() -> {
                try (OutputStream out = Files.newOutputStream(file)) {
                    FlvReader in = new FlvReader(ffmpeg.getInputStream());
                    FlvWriter w = new FlvWriter(out);
                    w.writeHeader(in.readHeader());
                    FlvTag t;
                    while ((t = in.next()) != null) {
                        if (t.isVideo() && AvcVideo.isAvc(t.body())
                                && AvcVideo.packetType(t.body()) == AvcVideo.PACKET_NALUS) {
                            pictures.add(new long[] {t.timestamp(), System.nanoTime()});
                        }
                        w.write(t);
                    }
                } catch (IOException e) {
                    // the listener ended
                }
            });
            Await.until(Duration.ofSeconds(20), () -> RelayMedia.listening(port), () -> "listener on " + port);
        }

        Reception await(long senderStartNanos) throws Exception {
            assertTrue(ffmpeg.waitFor(90, TimeUnit.SECONDS), "the destination's stream ends");
            reader.join(10_000);
            List<Double> late = new ArrayList<>();
            for (long[] p : pictures) {
                late.add((p[1] - senderStartNanos) / 1e9 - p[0] / 1000.0);
            }
            return new Reception(file, late);
        }
    }


    private static Process publish(int port) throws Exception {
        Await.until(Duration.ofSeconds(20), () -> RelayMedia.listening(port), () -> "something listening on " + port);
        return new ProcessBuilder("ffmpeg", "-v", "error", "-re", "-i", "sent.flv", "-c", "copy",
                "-flvflags", "no_duration_filesize", "-f", "flv", "rtmp://127.0.0.1:" + port + "/live/out")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("publish.log").toFile())
                .start();
    }

    /** The median after the first 3 s, when both FFmpeg ends have probed the stream and sent their first burst. */
    private static double steady(List<Double> late) {
        return quantile(late.subList(Math.min(90, late.size() - 1), late.size()), 0.5);
    }

    private static double quantile(List<Double> values, double q) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    /** For each transcribed word, when it first shows in the received captions, minus when it was spoken (its end). */
    private static List<Double> captionLags(List<Word> words, List<Ffmpeg.Cue> cues) {
        List<Double> lags = new ArrayList<>();
        int from = 0;
        for (Word w : words) {
            String token = w.text().strip();
            for (int i = from; i < cues.size(); i++) {
                if ((" " + String.join(" ", cues.get(i).rows()) + " ").contains(" " + token + " ")) {
                    lags.add(cues.get(i).start() - w.end());
                    from = i;
                    break;
                }
            }
        }
        return lags;
    }

    @Test
    void printsAddedDelayCaptionLagAndCpu() throws Exception {
        Map<String, List<String>> sent = RelayMedia.packetHashes(dir, "sent.flv");
        int pictures = sent.get("0").size();
        StringBuilder report = new StringBuilder();

        int directPort = RelayMedia.freePort();
        Destination direct = new Destination(directPort, "direct.flv");
        long t0 = System.nanoTime();
        Process sender = publish(directPort);
        Reception baseline = direct.await(t0);
        assertTrue(sender.waitFor(60, TimeUnit.SECONDS));
        assertEquals(pictures, baseline.lateSeconds().size(), "every picture over the direct push");
        double directLate = quantile(baseline.lateSeconds(), 0.5);
        double directSteady = steady(baseline.lateSeconds());

        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (Duration delay : List.of(Duration.ZERO, Duration.ofSeconds(2))) {
            List<Word> transcript = new CopyOnWriteArrayList<>();
            CaptionSink recorder = RelayMedia.transcriptInto(transcript);
            int in = RelayMedia.freePort();
            int out = RelayMedia.freePort();
            String name = "relayed-" + delay.toSeconds() + ".flv";
            Destination destination = new Destination(out, name);
            RelayCaptions captions = new RelayCaptions(Cea608Settings.defaults());
            CaptionRelay relay = new CaptionRelay(new RelaySettings("ffmpeg", URI.create("rtmp://127.0.0.1:" + in
                    + "/live"), "rtmp://127.0.0.1:" + out + "/live/out", delay, 30), captions, System::nanoTime);
            Map<Long, Long> legCpu = new ConcurrentHashMap<>();
            try (StreamService service = TestStreams.localAgreement(new SpeechBurstRecognizer(), 1);
                 CaptionFeed feed = new CaptionFeed(List.of(captions, recorder), Duration.ofSeconds(5))) {
                Thread bridge = Thread.ofPlatform().start(() -> {
                    try {
                        CaptionBridge.run(relay, service, null, feed);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long cpu0 = os.getProcessCpuTime();
                long start = System.nanoTime();
                Process publisher = publish(in);
                while (!publisher.waitFor(200, TimeUnit.MILLISECONDS)) {
                    ProcessHandle.current().children().forEach(c -> c.info().totalCpuDuration()
                            .ifPresent(d -> legCpu.merge(c.pid(), d.toNanos(), Math::max)));
                }
                Reception got = destination.await(start);
                double jvmCpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                relay.close();
                bridge.join(30_000);

                RelayMedia.assertSamePackets(dir, "sent.flv", name);
                List<Ffmpeg.Cue> cues = RelayMedia.cues(dir, name);
                assertFalse(cues.isEmpty() || transcript.isEmpty(), "captions of transcribed words");
                List<Double> lags = captionLags(transcript, cues);
                assertFalse(lags.isEmpty());
                legCpu.remove(publisher.pid());
                double ffmpegCpu = legCpu.values().stream().mapToLong(Long::longValue).sum() / 1e9;
                report.append(String.format(Locale.ROOT, "relay --delay %d: pictures reach the destination %.0f ms "
                                + "later than over a direct push (median; p95 %.0f ms; %.0f ms after the first 3 s); caption of a word shows %.2f s "
                                + "after its end (median; p95 %.2f s; %d of %d words found); CPU for %.1f s of "
                                + "stream: JVM %.2f s (transcription included), FFmpeg legs %.2f s%n",
                        delay.toSeconds(), 1000 * (quantile(got.lateSeconds(), 0.5) - directLate),
                        1000 * (quantile(got.lateSeconds(), 0.95) - directLate),
                        1000 * (steady(got.lateSeconds()) - directSteady), quantile(lags, 0.5),
                        quantile(lags, 0.95), lags.size(), transcript.size(), pictures / 30.0, jvmCpu, ffmpegCpu));
            }
        }
        System.out.print(report);
    }
}
