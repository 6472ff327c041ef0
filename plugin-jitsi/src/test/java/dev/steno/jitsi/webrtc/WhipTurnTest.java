package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.jitsi.rtp.RecordingSink;
import dev.steno.server.BrowserUiTest;
import dev.steno.server.ServerConfig;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --webrtc-turn}: with a real TURN server (coturn's {@code turnserver} on loopback, long-term credentials),
 * every answer carries a relayed candidate the server allocated for that session, and sessions, which then bind
 * sockets of their own instead of the shared port, still take Chromium's audio. Needs Debian's {@code coturn} and
 * {@code chromium}.
 */
@Tag(SystemPrograms.TAG)
class WhipTurnTest {
    @TempDir
    Path dir;

    @Test
    void answersOfferARelayedCandidateAndSessionsWithSocketsOfTheirOwnTakeAudio() throws Exception {
        SystemPrograms.requireOnPath("coturn", "turnserver");
        String chromium = BrowserUiTest.chromium();
        SystemPrograms.require(chromium != null, "Chromium", "chromium");
        int turnPort = freeUdpPort();
        Path log = dir.resolve("turnserver.log");
        Process turn = new ProcessBuilder("turnserver", "-n", "--listening-ip=127.0.0.1",
                "--listening-port=" + turnPort, "--relay-ip=127.0.0.1", "--min-port=41000", "--max-port=41099",
                "--user=steno:secret", "--realm=steno.test", "--lt-cred-mech", "--no-tls", "--no-dtls", "--no-cli",
                "--allow-loopback-peers", "--log-file=stdout", "--simple-log")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RecordingSink sink = new RecordingSink(1);
        HttpClient http = HttpClient.newHttpClient();
        try {
            Await.until(Duration.ofSeconds(10), () -> Files.readString(log).contains("Relay address to use"),
                    () -> "turnserver did not start: " + read(log));
            WebRtcConfig config = WebRtcConfig.defaults().withPorts(42000, 42999)
                    .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(3))
                    .withServers(List.of(), List.of(new WebRtcConfig.TurnServer("127.0.0.1:" + turnPort, "steno",
                            "secret")));
            try (WhipServer fx = new WhipServer(dir, null, ServerConfig.defaults().withCorsOrigins(List.of("*")),
                    config, w -> (id, options) -> sink)) {
                assertEquals(-1, fx.webrtc.ingest().port(), "no shared port with TURN");
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(fx.uri("/whip"))
                        .header("Content-Type", "application/sdp")
                        .POST(HttpRequest.BodyPublishers.ofString(SdpTest.chromiumOffer())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());
                List<String[]> relayed = created.body().lines().filter(l -> l.startsWith("a=candidate:")
                        && l.contains(" typ relay")).map(l -> l.split(" ")).toList();
                assertEquals(1, relayed.size(), "a relayed candidate: " + created.body() + read(log));
                int relayPort = Integer.parseInt(relayed.getFirst()[5]);
                assertTrue(relayPort >= 41000 && relayPort <= 41099, "allocated by coturn: " + created.body());
                assertTrue(created.body().lines().anyMatch(l -> l.contains(" typ host") && l.contains(" 42")),
                        "host candidates on the session's own port in the range: " + created.body());

                Path wav = SharedFixtures.file("audio/jfk.wav");
                try (WhipPeer peer = WhipPeer.start(chromium, wav, dir,
                        fx.uri("/whip?participant=tina").toString(), "")) {
                    Await.until(Duration.ofSeconds(40), () -> sink.tracks.containsKey("tina")
                            && sink.tracks.get("tina").length > 8 * 16_000, () -> "audio: " + sink.tracks.keySet()
                            + "\n" + read(peer.log));
                }
                assertTrue(sink.awaitEnds(30), "the vanished browser's session ended (consent)");
            }
        } finally {
            turn.destroy();
            turn.waitFor(10, TimeUnit.SECONDS);
        }
        EnvelopeMatch.assertFollows(sink.tracks.get("tina"), SharedFixtures.file("audio/jfk.wav"), "Chromium (TURN)");
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
