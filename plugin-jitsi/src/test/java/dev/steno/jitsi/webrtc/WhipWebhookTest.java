package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.jitsi.testing.ToneRecognizer;
import dev.steno.server.BrowserUiTest;
import dev.steno.server.ServerConfig;
import dev.steno.server.testing.WebhookReceiver;
import dev.steno.server.webhook.WebhookFormat;
import dev.steno.server.webhook.WebhookSettings;
import dev.steno.server.webhook.WebhookTarget;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a meeting store, a WHIP publication's committed lines go to the server's webhooks as signed events with
 * source {@code whip} and its participant, the last words (committed by DELETE) included. Chromium sends 1.1 kHz
 * tones, which the tone recogniser writes as a word each. Needs Debian's {@code chromium}.
 */
@Tag(SystemPrograms.TAG)
class WhipWebhookTest {
    private static final String SECRET = "whsec_d2hpcCB3ZWJob29rIHNlY3JldA==";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void linesOfAPublicationAreSignedWhipEvents() throws Exception {
        String chromium = BrowserUiTest.chromium();
        SystemPrograms.require(chromium != null, "Chromium", "chromium");
        HttpClient http = HttpClient.newHttpClient();
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, n -> 200)) {
            WebhookSettings hooks = WebhookSettings.of(List.of(new WebhookTarget(receiver.url(), WebhookFormat.STENO,
                    SECRET)), List.of(), WebhookFormat.STENO, SECRET);
            try (WhipServer fx = new WhipServer(dir, new ToneRecognizer(),
                    ServerConfig.defaults().withCorsOrigins(List.of("*")),
                    WebRtcConfig.defaults().withPorts(45000, 45999),
                    w -> new WhipSinks(w.service.streams(), Optional.empty(), "en", null, w.results), hooks);
                 WhipPeer peer = WhipPeer.start(chromium, SharedFixtures.file("audio/jfk.wav"), dir,
                         fx.uri("/whip?participant=dave").toString(), "beep=1")) {
                String listed = Await.until(Duration.ofSeconds(40), () -> http.send(HttpRequest.newBuilder(
                                fx.uri("/whip")).build(), HttpResponse.BodyHandlers.ofString()).body(),
                        s -> s.contains("\"connected\""), s -> "no connected session: " + s);
                int tones = beeps(peer);
                Await.until(Duration.ofSeconds(30), () -> beeps(peer) >= tones + 4, () -> "tones: " + tones);
                Matcher id = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(listed);
                assertTrue(id.find(), listed);
                assertEquals(200, http.send(HttpRequest.newBuilder(fx.uri("/whip/" + id.group(1))).DELETE()
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                List<JsonNode> lines = new ArrayList<>();
                WebhookReceiver.Hit hit;
                while ((hit = receiver.hits.poll(lines.isEmpty() ? 30 : 3, TimeUnit.SECONDS)) != null) {
                    assertTrue(hit.signatureValid());
                    lines.add(JSON.readTree(hit.body()));
                }
                assertTrue(!lines.isEmpty(), "the publication's lines arrive");
                List<String> words = new ArrayList<>();
                for (JsonNode n : lines) {
                    assertEquals("whip", n.get("source").asText(), n.toString());
                    assertEquals("dave", n.get("participant").asText(), n.toString());
                    assertEquals("en", n.get("language").asText());
                    words.addAll(List.of(n.get("text").asText().strip().split("\\s+")));
                }
                assertEquals(1, lines.stream().map(n -> n.get("session").asText()).distinct().count());
                // one word per tone heard before DELETE (see WhipMeetingTest for why two words)
                assertTrue(words.size() >= 3 && words.stream().allMatch(w -> List.of("charlie", "delta").contains(w)),
                        "dave's tones, one word each: " + lines);
            }
        }
    }

    private static int beeps(WhipPeer peer) throws Exception {
        return peer.pageLog().split("beep ").length - 1;
    }
}
