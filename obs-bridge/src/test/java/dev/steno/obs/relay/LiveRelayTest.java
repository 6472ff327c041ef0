package dev.steno.obs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steno relay} end to end with real FFmpeg on both sides: an FFmpeg sender publishes an OBS-like stream (x264
 * with B-frames, AAC speech) over RTMP to the relay, the relay transcribes the stream's own audio and pushes the
 * captioned stream to a local FFmpeg RTMP listener, which records it. The recording is checked with FFmpeg's own
 * 608 decoder and packet checksums.
 */
@Tag(SystemPrograms.TAG)
class LiveRelayTest {
    @TempDir
    static Path dir;

    private final List<Word> transcript = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> bridgeFailure = new AtomicReference<>();
    private StreamService service;
    private CaptionRelay relay;
    private Thread bridge;
    private CaptionFeed feed;

    @BeforeAll
    static void streams() throws Exception {
        Ffmpeg.require();
        RelayMedia.obsLikeStream(dir, "sent.flv", SharedFixtures.file("audio/jfk.wav"), 11);
    }


    /** Starts the relay from rtmp://127.0.0.1:in/live to the listener on port {@code out}, transcribing. */
    private void startRelay(int in, int out, Duration delay) {
        service = TestStreams.localAgreement(new SpeechBurstRecognizer(), 1);
        RelayCaptions captions = new RelayCaptions(Cea608Settings.defaults());
        CaptionSink recorder = RelayMedia.transcriptInto(transcript);
        feed = new CaptionFeed(List.of(captions, recorder), Duration.ofSeconds(5));
        relay = new CaptionRelay(new RelaySettings("ffmpeg", URI.create("rtmp://127.0.0.1:" + in + "/live"),
                "rtmp://127.0.0.1:" + out + "/live/out", delay, 30), captions, System::nanoTime);
        bridge = Thread.ofPlatform().name("relay-bridge").start(() -> {
            try {
                CaptionBridge.run(relay, service, null, feed);
            } catch (Throwable t) {
                bridgeFailure.set(t);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
            bridge.join(TimeUnit.SECONDS.toMillis(20));
            feed.close();
            service.close();
        }
    }

    /** An FFmpeg RTMP server that records what is published to it into {@code file}. */
    private static Process listener(int port, String file) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-listen", "1", "-i",
                "rtmp://127.0.0.1:" + port + "/live/out", "-c", "copy", file).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve(file + ".log").toFile()).start();
        Await.until(Duration.ofSeconds(20), () -> RelayMedia.listening(port) || !p.isAlive(),
                () -> "FFmpeg listening on " + port);
        assertTrue(p.isAlive(), "the listener runs: " + Files.readString(dir.resolve(file + ".log")));
        return p;
    }


    /** Publishes a file in real time like OBS does, once the relay accepts it; returns FFmpeg's exit code. */
    private static Process publish(String file, int port) throws Exception {
        Await.until(Duration.ofSeconds(20), () -> RelayMedia.listening(port), () -> "the relay listening on " + port);
        return new ProcessBuilder("ffmpeg", "-v", "error", "-re", "-i", file, "-c", "copy",
                "-flvflags", "no_duration_filesize", "-f", "flv", "rtmp://127.0.0.1:" + port + "/live/streamkey")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(file + ".publish.log").toFile()).start();
    }

    private static void awaitExit(Process p, String what) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), what + " ends");
    }

    @Test
    void theRelayedStreamCarriesCaptionsOfItsOwnSpeechAndIsOtherwiseIdentical() throws Exception {
        int in = RelayMedia.freePort();
        int out = RelayMedia.freePort();
        Process received = listener(out, "received.flv");
        startRelay(in, out, Duration.ZERO);
        Process sender = publish("sent.flv", in);
        awaitExit(sender, "the sender");
        assertEquals(0, sender.exitValue(), Files.readString(dir.resolve("sent.flv.publish.log")));
        awaitExit(received, "the listener (the relay ends the destination's stream when OBS stops)");

        RelayMedia.assertSamePackets(dir, "sent.flv", "received.flv");
        assertTrue(Ffmpeg.run(dir, "ffprobe", "-hide_banner", "received.flv").contains("Closed Captions"));
        Await.until(Duration.ofSeconds(10), () -> !transcript.isEmpty(), () -> "words committed");
        List<Ffmpeg.Cue> cues = RelayMedia.cues(dir, "received.flv");
        assertFalse(cues.isEmpty(), "FFmpeg's 608 decoder finds captions");
        List<String> words = transcript.stream().map(w -> w.text().strip()).toList();
        for (String row : RelayMedia.rows(cues).keySet()) {
            for (String token : row.split(" ")) {
                assertTrue(words.contains(token) || token.equals("..."), "'" + token + "' of row '" + row
                        + "' was transcribed: " + words);
            }
        }
        double firstSpeech = transcript.getFirst().start();
        assertTrue(cues.getFirst().start() >= firstSpeech - 0.1, "no caption before the speech it captions: "
                + cues.getFirst() + " vs speech at " + firstSpeech);
        assertEquals(1, relay.stats().streams());
        assertEquals(1, relay.stats().egressStarts());
        assertEquals(0, relay.stats().droppedTags());
        assertTrue(bridgeFailure.get() == null, () -> String.valueOf(bridgeFailure.get()));
    }

    @Test
    void obsReconnectingAndTheDestinationDroppingRestartTheLegsWithoutLosingTheTranscript() throws Exception {
        int in = RelayMedia.freePort();
        int out = RelayMedia.freePort();
        Process first = listener(out, "first.flv");
        startRelay(in, out, Duration.ZERO);
        Process sender = publish("sent.flv", in);
        // the destination drops while the stream runs: a new listener takes its place
        Await.until(Duration.ofSeconds(30), () -> relay.stats().pictures() > 60, () -> "2 s relayed");
        first.destroyForcibly().waitFor();
        Process second = listener(out, "second.flv");
        awaitExit(sender, "the sender");
        awaitExit(second, "the second listener");
        assertEquals(2, relay.stats().egressStarts(), "the push was restarted once");
        assertTrue(relay.stats().droppedTags() > 0, "tags sent while it was down are counted as dropped");

        Map<String, List<String>> sent = RelayMedia.packetHashes(dir, "sent.flv");
        Map<String, List<String>> resumed = RelayMedia.packetHashes(dir, "second.flv");
        for (String stream : List.of("0", "1")) {
            List<String> got = resumed.get(stream);
            assertTrue(got != null && got.size() > 30, "stream " + stream + " resumed: " + got);
            assertNotEquals(-1, Collections.indexOfSubList(sent.get(stream), got),
                    "stream " + stream + " resumes with an unbroken run of the sent packets");
        }
        String frames = Ffmpeg.run(dir, "ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                "frame=pict_type", "-of", "csv", "second.flv");
        assertTrue(frames.lines().findFirst().orElse("").contains("I"), "pictures resume at a key frame");
        assertTrue(Ffmpeg.run(dir, "ffprobe", "-hide_banner", "second.flv").contains("Closed Captions"));

        // OBS reconnects: the relay listens again, keeps the same transcription and starts a new push
        int wordsBefore = transcript.size();
        Process third = listener(out, "third.flv");
        Process again = publish("sent.flv", in);
        awaitExit(again, "the second publish");
        awaitExit(third, "the third listener");
        RelayMedia.assertSamePackets(dir, "sent.flv", "third.flv");
        assertEquals(2, relay.stats().streams());
        Await.until(Duration.ofSeconds(10), () -> transcript.size() > wordsBefore,
                () -> "words of the second stream join the transcript");
        assertTrue(wordsBefore > 0, "the first stream's words were committed when it ended");
        assertFalse(RelayMedia.cues(dir, "third.flv").isEmpty(), "the new push carries captions");
    }

    @Test
    void aPortThatCannotBeListenedOnStopsTheRelayWithFfmpegsReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            RelaySettings settings = new RelaySettings("ffmpeg", URI.create("rtmp://127.0.0.1:" + taken.getLocalPort()
                    + "/live"), "rtmp://127.0.0.1:1/live/out", Duration.ZERO, 30);
            CaptionRelay r = new CaptionRelay(settings, new RelayCaptions(Cea608Settings.defaults()), System::nanoTime);
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> r.run((s, o, l) -> {
            }));
            assertTrue(e.getMessage().contains("could not accept a stream on rtmp://127.0.0.1:" + taken.getLocalPort())
                    && e.getMessage().contains("5 times in a row") && e.getMessage().contains("Address already in use"),
                    e.getMessage());
            assertEquals(0, r.stats().streams());
        }
    }

    @Test
    void aMissingFfmpegIsAClearError() {
        RelaySettings settings = new RelaySettings("/nonexistent/ffmpeg", URI.create("rtmp://127.0.0.1:1935/live"),
                "rtmp://example.invalid/app/key", Duration.ZERO, 30);
        CaptionRelay r = new CaptionRelay(settings, new RelayCaptions(Cea608Settings.defaults()), System::nanoTime);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> r.run((s, o, l) -> {
        }));
        assertTrue(e.getMessage().contains("cannot run FFmpeg") && e.getMessage().contains("apt install ffmpeg")
                && e.getMessage().contains("--ffmpeg"), e.getMessage());
        assertEquals("rtmp://example.invalid/app/****", settings.redactedDestination(), "the key stays out of logs");
    }
}
