package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import dev.steno.jitsi.testing.ToneRecognizer;
import dev.steno.server.BrowserUiTest;
import dev.steno.server.ServerConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ?meeting=standup&participant=alice}: Chromium's WHIP publication joins a stored meeting as that participant,
 * and the words of its audio are in the meeting transcript once the session ends (DELETE), the last ones included.
 * The page sends 1.1 kHz tones, which the tone recogniser writes as a word each. Needs Debian's {@code chromium}.
 */
@Tag(SystemPrograms.TAG)
class WhipMeetingTest {
    @TempDir
    Path dir;

    @Test
    void aPublicationJoinsTheStoredMeetingItNames() throws Exception {
        String chromium = BrowserUiTest.chromium();
        SystemPrograms.require(chromium != null, "Chromium", "chromium");
        HttpClient http = HttpClient.newHttpClient();
        AtomicReference<MeetingRegistry> registry = new AtomicReference<>();
        try (JdbcTranscriptStore store = JdbcTranscriptStore.sqlite(dir);
             WhipServer fx = new WhipServer(dir, new ToneRecognizer(),
                     ServerConfig.defaults().withCorsOrigins(List.of("*")),
                     WebRtcConfig.defaults().withPorts(46000, 46999),
                     w -> new WhipSinks(w.service.streams(), Optional.of(registry::get), null, null, w.results))) {
            registry.set(new MeetingRegistry(fx.service.streams(), store));
            try (MeetingRegistry meetings = registry.get();
                 WhipPeer peer = WhipPeer.start(chromium, SharedFixtures.file("audio/jfk.wav"), dir,
                         fx.uri("/whip?meeting=standup&participant=alice").toString(), "beep=1")) {
                Await.until(Duration.ofSeconds(40), () -> !meetings.meeting("standup").participants().isEmpty(),
                        () -> "no participant in standup: " + fx.webrtc.ingest().sessions());
                // four more tones (one every 2.13 s) while alice is in the meeting
                int tones = beeps(peer);
                Await.until(Duration.ofSeconds(30), () -> beeps(peer) >= tones + 4, () -> "tones: " + tones);
                String listed = http.send(HttpRequest.newBuilder(fx.uri("/whip")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher id = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(listed);
                assertTrue(id.find(), listed);
                assertTrue(listed.contains("\"meeting\":\"standup\"") && listed.contains("\"participant\":\"alice\""),
                        listed);
                assertEquals(200, http.send(HttpRequest.newBuilder(fx.uri("/whip/" + id.group(1))).DELETE()
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                Await.until(Duration.ofSeconds(30), () -> meetings.meeting("standup").participants().isEmpty(),
                        () -> "alice did not leave: " + meetings.meeting("standup").participants());
            }
            MeetingTranscript t = Await.until(Duration.ofSeconds(10), () -> store.transcript("standup"),
                    Optional::isPresent, o -> "no stored transcript").orElseThrow();
            List<String> words = t.lines().stream().filter(l -> l.participantId().equals("alice"))
                    .flatMap(l -> List.of(l.text().strip().split("\\s+")).stream()).toList();
            // one word per tone; which word is the recogniser's zero-crossing guess at the pitch, which Opus at
            // 32 kbit/s blurs between 1.1 and 1.5 kHz (the audio itself is checked by WhipChromiumTest)
            assertTrue(words.size() >= 3 && words.size() <= 6
                    && words.stream().allMatch(w -> List.of("charlie", "delta").contains(w)),
                    "alice's tones, one word each: " + t.lines());
        }
    }

    private static int beeps(WhipPeer peer) throws Exception {
        return peer.pageLog().split("beep ").length - 1;
    }
}
