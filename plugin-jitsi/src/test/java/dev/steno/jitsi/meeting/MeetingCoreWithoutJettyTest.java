package dev.steno.jitsi.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.IsolatedJvm;
import dev.steno.engine.testing.TestStreams;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.ToneRecognizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The meeting core (registry, meetings, participants, the store) runs on the engine alone: a JVM whose class path
 * has neither Jetty nor the server module transcribes a two-person meeting into the store.
 */
class MeetingCoreWithoutJettyTest {
    static final String JETTY = "org.eclipse.jetty.server.Server";
    static final String SERVER = "dev.steno.server.TranscriptionService";

    /** What the child JVM runs: two participants, one at 16 kHz and one at 48 kHz, then the stored transcript. */
    public static final class TwoPeople {
        public static void main(String[] args) throws Exception {
            Path dir = Files.createTempDirectory("steno-meeting-core");
            try (JdbcTranscriptStore store = JdbcTranscriptStore.sqlite(dir);
                 StreamService service = TestStreams.localAgreement(new ToneRecognizer(), 2);
                 MeetingRegistry registry = new MeetingRegistry(service, store)) {
                Meeting m = registry.meeting("weekly");
                Participant ann = m.join("ann", "Ann", null, null);
                Participant bob = m.join("bob", "Bob", null, null);
                float[] a = Audio.bursts(16_000, 300, 2, 0.5, 1.2);
                float[] b = Audio.bursts(48_000, 700, 2, 0.5, 1.2);
                ann.addAudio16k(a, 0, a.length);
                bob.addPcm48k(b, 0, b.length);
                ann.end();
                bob.end();
                ann.finished().get(60, TimeUnit.SECONDS);
                bob.finished().get(60, TimeUnit.SECONDS);
                for (MeetingTranscript.Line l : m.transcript().lines()) {
                    System.out.println("line " + l.speakerLabel() + ":" + l.text().strip());
                }
            }
            IsolatedJvm.printLoadable(JETTY, SERVER);
        }
    }

    @Test
    void aMeetingIsTranscribedAndStoredWithoutJettyOrTheServer() throws Exception {
        IsolatedJvm.Result r = IsolatedJvm.run(TwoPeople.class,
                IsolatedJvm::withoutJettyOrServer, Duration.ofMinutes(2));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(IsolatedJvm.loadableLine(JETTY, false)), r.output());
        assertTrue(r.output().contains(IsolatedJvm.loadableLine(SERVER, false)), r.output());
        assertTrue(r.output().contains("line Ann:alpha alpha"), r.output());
        assertTrue(r.output().contains("line Bob:bravo bravo"), r.output());
    }
}
