package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.jitsi.rtp.RecordingSink;
import dev.steno.server.BrowserUiTest;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headless Chromium publishes its fake microphone (jfk.wav) over WHIP on loopback: ICE (ice4j), DTLS-SRTP
 * (BouncyCastle, the offer's fingerprint checked) and the RTP path's decoder deliver audio that sounds like the file;
 * Steno's RTCP receiver reports reach the browser (its {@code remote-inbound-rtp} statistics, with a round trip
 * from the sender reports Steno echoes); a wrong fingerprint fails DTLS; a browser that vanishes loses the session to consent expiry, its audio played out.
 * Needs Debian's {@code chromium}: under {@code CI=true} its absence fails the test, elsewhere it is skipped.
 */
@Tag(SystemPrograms.TAG)
class WhipChromiumTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private WhipServer fx;
    private StenoServer server;
    private WebRtcExtension webrtc;
    private RecordingSink sink;

    private void startServer(Duration consentTimeout) throws Exception {
        sink = new RecordingSink(1);
        // the page is a file: its origin is "null", allowed like any other by "*"
        fx = new WhipServer(dir, null, ServerConfig.defaults().withCorsOrigins(List.of("*")),
                WebRtcConfig.defaults().withPorts(47000, 47999).withTimeouts(Duration.ofSeconds(15), consentTimeout),
                w -> (id, options) -> sink);
        server = fx.server;
        webrtc = fx.webrtc;
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private String endpoint(String query) {
        return server.uri().resolve("/whip" + query).toString();
    }

    private String sessions() throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve("/whip")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String chromium() {
        String c = BrowserUiTest.chromium();
        SystemPrograms.require(c != null, "Chromium", "chromium");
        return c;
    }

    @Test
    void chromiumPublishesOverWhipAndTheDecodedAudioIsTheMicrophone() throws Exception {
        String chromium = chromium();
        startServer(Duration.ofSeconds(30));
        Path wav = SharedFixtures.file("audio/jfk.wav");
        try (WhipPeer peer = WhipPeer.start(chromium, wav, dir, endpoint("?participant=alice"), "stats=1")) {
            String listed = Await.until(Duration.ofSeconds(30), this::sessions, s -> s.contains("\"connected\""),
                    s -> "no connected session: " + s + "\n" + peerLog(peer));
            // the browser has read a receiver report that echoed one of its sender reports: it knows the round trip
            Matcher rr = Await.until(Duration.ofSeconds(30), () -> REMOTE_INBOUND.matcher(peer.pageLog()),
                    Matcher::find, m -> "no receiver report with a round trip in the browser's stats:\n"
                            + peerLog(peer));
            assertEquals(0, Integer.parseInt(rr.group(1)), "nothing is lost on loopback: " + rr.group());
            assertTrue(Double.parseDouble(rr.group(2)) > 0, rr.group());
            System.out.println("Chromium's stats of Steno's receiver reports: " + rr.group());
            String rtcp = sessions();
            assertTrue(Long.parseLong(number(rtcp, "reportsSent")) > 0, rtcp);
            assertTrue(Long.parseLong(number(rtcp, "senderReports")) > 0, rtcp);
            // 8 s of the looping 11 s file
            Await.until(Duration.ofSeconds(40), () -> sink.tracks.containsKey("alice")
                    && sink.tracks.get("alice").length > 8 * 16_000, () -> "audio: " + track() + "\n"
                    + peerLog(peer));
            String id = field(listed, "id");
            HttpResponse<String> del = http.send(HttpRequest.newBuilder(server.uri().resolve("/whip/" + id))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, del.statusCode(), del.body());
            assertTrue(sink.awaitEnds(10), "the stream ended after DELETE");
            assertEquals(404, http.send(HttpRequest.newBuilder(server.uri().resolve("/whip/" + id))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        EnvelopeMatch.assertFollows(sink.tracks.get("alice"), wav, "Chromium");
    }

    @Test
    void aCertificateOtherThanTheOffersFingerprintFailsDtlsAndNoAudioIsTaken() throws Exception {
        String chromium = chromium();
        startServer(Duration.ofSeconds(30));
        Path wav = SharedFixtures.file("audio/jfk.wav");
        try (WhipPeer peer = WhipPeer.start(chromium, wav, dir, endpoint("?participant=mallory"),
                "badFingerprint=1")) {
            // the session appears, then ends when DTLS fails; the page saw its POST answered
            Await.until(Duration.ofSeconds(30), () -> peer.pageLog().contains("answered")
                    && sessions().equals("{\"sessions\":[]}"), () -> {
                        try {
                            return "the session did not end: " + sessions() + "\n" + peerLog(peer);
                        } catch (Exception e) {
                            return e.toString();
                        }
                    });
        }
        assertTrue(!sink.tracks.containsKey("mallory"), "no audio from a peer whose certificate did not match");
        assertEquals(0, webrtc.ingest().rtp().streams().size());
    }

    @Test
    void aVanishedPeerLosesItsSessionToConsentExpiryAndItsAudioIsPlayedOut() throws Exception {
        String chromium = chromium();
        startServer(Duration.ofSeconds(3));
        Path wav = SharedFixtures.file("audio/jfk.wav");
        WhipPeer peer = WhipPeer.start(chromium, wav, dir, endpoint("?participant=bob"), "");
        try {
            Await.until(Duration.ofSeconds(40), () -> sink.tracks.containsKey("bob")
                    && sink.tracks.get("bob").length > 3 * 16_000, () -> "audio: " + sink.tracks.keySet() + "\n"
                    + peerLog(peer));
        } finally {
            peer.vanish(); // no DELETE, no close_notify: the browser is gone
        }
        assertTrue(sink.awaitEnds(30), "consent expiry ended the stream: " + sessions());
        RecordingSink.Track t = sink.tracks.get("bob");
        assertTrue(t.ended && t.length > 3 * 16_000, "the audio up to the end reached the sink: " + t.length);
        assertEquals("{\"sessions\":[]}", sessions());
    }

    @Test
    void floodsOfStunDtlsAndRtpGarbageAtTheSessionsPortDoNotDisturbIt() throws Exception {
        String chromium = chromium();
        startServer(Duration.ofSeconds(30));
        Path wav = SharedFixtures.file("audio/jfk.wav");
        long flooded;
        try (WhipPeer peer = WhipPeer.start(chromium, wav, dir, endpoint("?participant=carol"), "")) {
            String listed = Await.until(Duration.ofSeconds(30), this::sessions, s -> s.contains("\"connected\""),
                    s -> "no connected session: " + s + "\n" + peerLog(peer));
            int port = Integer.parseInt(Pattern.compile("\"port\":(\\d+)").matcher(listed).results()
                    .findFirst().orElseThrow().group(1));
            flooded = Garbage.flood(port, 3000);
            Await.until(Duration.ofSeconds(40), () -> sink.tracks.containsKey("carol")
                    && sink.tracks.get("carol").length > 8 * 16_000, () -> "audio: " + sink.tracks.keySet());
            assertTrue(sessions().contains("\"connected\""), "still connected after the flood");
            String id = field(listed, "id");
            http.send(HttpRequest.newBuilder(server.uri().resolve("/whip/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(sink.awaitEnds(10));
        }
        assertTrue(flooded > 0, "datagrams were sent");
        RecordingSink.Track t = sink.tracks.get("carol");
        float[] source = WavReader.read(wav).resampledTo(16_000).samples();
        double own = EnvelopeMatch.best(t.audio(), source);
        assertTrue(own > 0.8, "the audio is still the microphone's: " + own);
    }

    private String track() {
        RecordingSink.Track t = sink.tracks.get("alice");
        return t == null ? "none" : t.length + " samples";
    }

    private static String peerLog(WhipPeer peer) {
        try {
            return peer.pageLog();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static final Pattern REMOTE_INBOUND = Pattern.compile(
            "remote-inbound-rtp packetsLost=(\\d+) .*roundTripTime=([0-9.]+) ");

    private static String number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }
}
