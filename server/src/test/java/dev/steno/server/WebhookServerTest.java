package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.server.testing.WebhookReceiver;
import dev.steno.server.webhook.WebhookFormat;
import dev.steno.server.webhook.WebhookSettings;
import dev.steno.server.webhook.WebhookTarget;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.Test;

/** Committed lines of a real {@code /asr} session reach real webhook receivers, once each, signed. */
class WebhookServerTest {
    static final String SECRET = "whsec_c3Rlbm8gd2ViaG9vayB0ZXN0IHNlY3JldA==";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCommittedLineOfAnAsrSessionIsSentOnceToTheServerAndTheSessionTarget() throws Exception {
        byte[] jfk = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        try (WebhookReceiver global = new WebhookReceiver(SECRET, n -> 200);
             WebhookReceiver own = new WebhookReceiver(SECRET, n -> n == 0 ? 500 : 200)) {
            String allowed = own.url().resolve("/").toString();
            WebhookSettings settings = WebhookSettings.of(List.of(new WebhookTarget(global.url(), WebhookFormat.STENO,
                    SECRET)), List.of(allowed), WebhookFormat.STENO, SECRET);
            try (ServerFixture fx = ServerFixture.withWebhooks(settings)) {
                List<String> expected = new ArrayList<>();
                try (WsClient c = WsClient.connect(fx.ws("language=en&webhook="
                        + URLEncoder.encode(own.url().toString(), StandardCharsets.UTF_8)))) {
                    c.stream(jfk, 3200);
                    c.readyToStop.get(60, TimeUnit.SECONDS);
                    List<JsonNode> updates = c.updates();
                    for (JsonNode line : updates.get(updates.size() - 1).get("lines")) {
                        if (line.get("speaker").asInt() != -2 && !line.get("text").asText().isBlank()) {
                            expected.add(line.get("text").asText().strip());
                        }
                    }
                }
                assertFalse(expected.isEmpty(), "the random model commits something");
                List<JsonNode> toGlobal = bodies(global, expected.size());
                List<JsonNode> toOwn = bodies(own, expected.size());
                assertEquals(expected, toGlobal.stream().map(n -> n.get("text").asText()).toList());
                assertEquals(expected, toOwn.stream().map(n -> n.get("text").asText()).toList());
                // the 500 is retried after a backoff: wait until nothing is queued (bounded, not measured)
                Await.until(Duration.ofSeconds(30), () -> fx.metrics.webhooks().queued() == 0,
                        () -> fx.metrics.webhooks().queued() + " line(s) still queued");
                Set<String> ids = new HashSet<>();
                Set<String> sessions = new HashSet<>();
                for (JsonNode n : toGlobal) {
                    assertEquals("line.committed", n.get("type").asText());
                    assertEquals("asr", n.get("source").asText());
                    assertEquals("en", n.get("language").asText());
                    assertTrue(n.get("meeting").isNull() && n.get("participant").isNull(), n.toString());
                    assertTrue(n.get("end").asDouble() >= n.get("start").asDouble(), n.toString());
                    ids.add(n.get("id").asText());
                    sessions.add(n.get("session").asText());
                }
                assertEquals(expected.size(), ids.size(), "one id per line");
                assertEquals(1, sessions.size(), "one session");
                assertTrue(global.all().stream().allMatch(WebhookReceiver.Hit::signatureValid));
                assertTrue(own.all().stream().allMatch(WebhookReceiver.Hit::signatureValid));
                assertEquals(expected.size() + 1, own.all().size(), "the 500 was retried once");
                assertEquals(own.all().get(0).id(), own.all().get(1).id());
                assertEquals(2L * expected.size(), fx.metrics.webhooks().delivered());
                assertEquals(1, fx.metrics.webhooks().retries());
                String metrics = new String(fx.http("metrics").toURL().openStream().readAllBytes(),
                        StandardCharsets.UTF_8);
                assertTrue(metrics.contains("steno_webhook_delivered_total " + 2 * expected.size()), metrics);
            }
        }
    }

    @Test
    void aSessionWebhookOffTheAllowListIsRefusedWith1008() throws Exception {
        WebhookSettings settings = WebhookSettings.of(List.of(), List.of("https://hooks.example.com/"),
                WebhookFormat.STENO, null);
        try (ServerFixture fx = ServerFixture.withWebhooks(settings);
             WsClient c = WsClient.connect(fx.ws("webhook=" + URLEncoder.encode("https://evil.example.net/x",
                     StandardCharsets.UTF_8)))) {
            assertEquals(StatusCode.POLICY_VIOLATION, c.closeCode.get(30, TimeUnit.SECONDS));
            assertNotNull(c.closeReason);
            assertTrue(c.closeReason.contains("not allowed"), c.closeReason);
        }
    }

    /** The first {@code n} distinct lines a receiver got (a retry repeats an id), in order. */
    private static List<JsonNode> bodies(WebhookReceiver r, int n) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (out.size() < n) {
            WebhookReceiver.Hit hit = r.hits.poll(30, TimeUnit.SECONDS);
            assertNotNull(hit, "only " + out.size() + " of " + n + " lines arrived");
            if (seen.add(hit.id())) {
                out.add(JSON.readTree(hit.body()));
            }
        }
        return out;
    }
}
