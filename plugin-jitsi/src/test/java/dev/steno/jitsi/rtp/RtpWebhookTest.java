package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import dev.steno.server.testing.WebhookReceiver;
import dev.steno.server.webhook.WebhookFormat;
import dev.steno.server.webhook.WebhookSettings;
import dev.steno.server.webhook.WebhookTarget;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An RTP tap without a meeting store sends its committed lines to the server's webhooks, with source {@code rtp}. */
class RtpWebhookTest {
    private static final String SECRET = "whsec_cnRwIHdlYmhvb2sgc2VjcmV0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void linesOfAnRtpParticipantAreSignedRtpEventsWithMeetingAndParticipant() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, n -> 200)) {
            WebhookSettings hooks = WebhookSettings.of(List.of(new WebhookTarget(receiver.url(), WebhookFormat.STENO,
                    SECRET)), List.of(), WebhookFormat.STENO, SECRET);
            RtpConfig config = RtpConfig.defaults().withPorts(List.of(0)).withIdleTimeout(Duration.ofSeconds(1))
                    .withWorkers(1);
            try (TranscriptionService service = new TranscriptionService(
                    TestStreams.localAgreement(new SpeechBurstRecognizer(), 2))) {
                RtpExtension rtp = new RtpExtension(config, new ParticipantMap(),
                        TranscribingSink.logging(service.streams(), "en"));
                try (StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0), service, List.of(rtp),
                        hooks);
                     DatagramChannel tx = DatagramChannel.open()) {
                    server.start();
                    HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                    URI.create(server.uri() + "rtp/mappings"))
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"meeting\":\"standup\",\"participant\":"
                                    + "\"carol\",\"ssrc\":\"0x33333333\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, put.statusCode(), put.body());
                    InetSocketAddress to = new InetSocketAddress("127.0.0.1", rtp.ports().get(0));
                    for (byte[] p : RtpOpusPacketizer.encode(SpeechFixture.at48k(SpeechFixture.jfk(), 1.0),
                            0x33333333L, 111, 0, 0, 32_000, false)) {
                        tx.send(ByteBuffer.wrap(p), to);
                    }
                    // the stream ends after 1 s without packets, which commits its last words
                    List<JsonNode> lines = new ArrayList<>();
                    WebhookReceiver.Hit hit;
                    while ((hit = receiver.hits.poll(lines.isEmpty() ? 60 : 3, TimeUnit.SECONDS)) != null) {
                        assertTrue(hit.signatureValid());
                        lines.add(JSON.readTree(hit.body()));
                    }
                    assertFalse(lines.isEmpty(), "the participant's lines arrive");
                    for (JsonNode n : lines) {
                        assertEquals("rtp", n.get("source").asText(), n.toString());
                        assertEquals("standup", n.get("meeting").asText());
                        assertEquals("carol", n.get("participant").asText());
                        assertEquals(1, n.get("speaker").asInt());
                        assertEquals("en", n.get("language").asText());
                        assertFalse(n.get("text").asText().isBlank());
                    }
                    assertEquals(1, lines.stream().map(n -> n.get("session").asText()).distinct().count());
                }
            }
        }
    }
}
