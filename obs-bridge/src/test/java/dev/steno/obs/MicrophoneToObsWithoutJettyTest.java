package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.IsolatedJvm;
import dev.steno.engine.testing.TestStreams;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.sink.StreamCaptionSink;
import dev.steno.obs.source.PcmS16leSource;
import dev.steno.obs.testing.FakeObs;
import dev.steno.obs.testing.ScriptedRecognizer;
import dev.steno.obs.websocket.ObsClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The microphone to OBS path (audio source, one engine stream, caption feed, obs-websocket captions) runs without
 * Jetty or the server module: a JVM whose class path lacks both captions a fake OBS, which runs here.
 */
class MicrophoneToObsWithoutJettyTest {
    static final String JETTY = "org.eclipse.jetty.server.Server";
    static final String SERVER = "dev.steno.server.TranscriptionService";

    /** What the child JVM runs: six coded words from a PCM source into OBS stream captions. */
    public static final class Captions {
        public static void main(String[] args) throws Exception {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            try (ObsClient obs = new ObsClient(new ObsClient.Options(URI.create(args[0]), FakeObs.PASSWORD,
                    Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(500)),
                    timer);
                 StreamService service = TestStreams.localAgreement(new ScriptedRecognizer(), 1)) {
                obs.start().get(30, TimeUnit.SECONDS);
                CaptionFeed feed = new CaptionFeed(List.of(new StreamCaptionSink(obs, 2)), Duration.ofSeconds(30));
                byte[] pcm = ScriptedRecognizer.pcm(ScriptedRecognizer.speak(1, 6));
                CaptionBridge.run(new PcmS16leSource(new ByteArrayInputStream(pcm), "microphone"), service, null,
                        feed);
                feed.close();
            } finally {
                timer.shutdownNow();
            }
            IsolatedJvm.printLoadable(JETTY, SERVER);
        }
    }

    @Test
    void microphoneCaptionsReachObsWithoutJettyOrTheServer() throws Exception {
        try (FakeObs obs = new FakeObs()) {
            obs.setStreaming(true);
            IsolatedJvm.Result r = IsolatedJvm.run(Captions.class,
                    IsolatedJvm::withoutJettyOrServer, Duration.ofMinutes(2),
                    obs.uri().toString());
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains(IsolatedJvm.loadableLine(JETTY, false)), r.output());
            assertTrue(r.output().contains(IsolatedJvm.loadableLine(SERVER, false)), r.output());
            List<String> captions = obs.drain().stream().filter(x -> x.type().equals("SendStreamCaption"))
                    .map(x -> x.data().path("captionText").asText()).toList();
            assertTrue(captions.contains("w1 w2 w3 w4 w5 w6"), "every word reached OBS: " + captions);
        }
    }
}
