package dev.steno.jitsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import dev.steno.server.testing.WebhookReceiver;
import dev.steno.server.webhook.WebhookFormat;
import dev.steno.server.webhook.WebhookSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A meeting's committed lines reach the webhook its socket named with {@code ?webhook=}. */
class JitsiWebhookTest {
    static final String SECRET = "whsec_bWVldGluZyB3ZWJob29rIHNlY3JldA==";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aMeetingsLinesGoToItsAllowedWebhookWithMeetingParticipantAndSpeaker() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, n -> 200)) {
            WebhookSettings settings = WebhookSettings.of(List.of(), List.of(receiver.url().resolve("/").toString()),
                    WebhookFormat.STENO, SECRET);
            try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir), settings)) {
                TestSocket ws = TestSocket.open(server.ws("/vosk/standup?participant=p1&name=Alice&webhook="
                        + URLEncoder.encode(receiver.url().toString(), StandardCharsets.UTF_8)));
                ws.text("{\"config\" : {\"sample_rate\" : 48000.0 }}");
                byte[] pcm = Audio.s16le(Audio.bursts(48_000, 1100, 3, 0.5, 1.2)); // charlie x3
                for (int at = 0; at < pcm.length; at += 48_000) {
                    ws.binary(Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + 48_000)));
                }
                ws.text("{\"eof\" : 1}");
                assertEquals(1000, ws.closed.get(20, TimeUnit.SECONDS));
                String expected = server.get("/meetings/standup/transcript.txt").body();
                assertEquals("Alice: charlie charlie charlie\n", expected);

                List<JsonNode> lines = new ArrayList<>();
                Set<String> ids = new HashSet<>();
                StringBuilder text = new StringBuilder();
                while (!text.toString().strip().equals("charlie charlie charlie")) {
                    WebhookReceiver.Hit hit = receiver.hits.poll(30, TimeUnit.SECONDS);
                    assertNotNull(hit, "lines so far: " + lines);
                    assertTrue(hit.signatureValid());
                    assertTrue(ids.add(hit.id()), "each line once");
                    JsonNode n = JSON.readTree(hit.body());
                    lines.add(n);
                    text.append(n.get("text").asText()).append(' ');
                }
                for (JsonNode n : lines) {
                    assertEquals("line.committed", n.get("type").asText());
                    assertEquals("jitsi", n.get("source").asText());
                    assertEquals("standup", n.get("meeting").asText());
                    assertEquals("p1", n.get("participant").asText());
                    assertEquals(1, n.get("speaker").asInt());
                }
                assertEquals(null, receiver.hits.poll(200, TimeUnit.MILLISECONDS), "nothing more: " + lines);
            }
        }
    }

    @Test
    void aWebhookOffTheAllowListIsRefusedBeforeTheUpgrade() throws Exception {
        WebhookSettings settings = WebhookSettings.of(List.of(), List.of("https://hooks.example.com/"),
                WebhookFormat.STENO, null);
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir), settings)) {
            assertEquals(400, TestSocket.handshakeStatus(server.ws("/vosk/standup?participant=p1&webhook="
                    + URLEncoder.encode("https://evil.example.net/", StandardCharsets.UTF_8)), Map.of()));
            assertEquals(0, server.jitsi.registry().liveParticipants());
        }
    }
}
