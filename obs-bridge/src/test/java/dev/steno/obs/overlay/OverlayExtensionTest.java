package dev.steno.obs.overlay;

import dev.steno.engine.testing.TestStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.Await;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.testing.FakeObs;
import dev.steno.obs.testing.ScriptedRecognizer;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The overlay page is served by the Steno server and fed over its WebSocket. */
class OverlayExtensionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** A page's WebSocket: collects messages. */
    static final class Page implements WebSocket.Listener {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(buffer.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                buffer.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode m = messages.poll(5, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no overlay message within 5 s");
            }
            return m;
        }
    }

    private WebSocket open(StenoServer server, String query, Page page) throws Exception {
        URI uri = URI.create(server.uri().toString().replaceFirst("^http", "ws") + "overlay/ws" + query);
        return http.newWebSocketBuilder().buildAsync(uri, page).get(5, TimeUnit.SECONDS);
    }

    @Test
    void pageIsServedAndFollowsCaptions() throws Exception {
        OverlayExtension overlay = new OverlayExtension();
        try (TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(new ScriptedRecognizer(), 4));
             StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0), service,
                     List.of(overlay))) {
            server.start();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.uri().resolve("overlay?size=60&lines=3"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("/overlay/ws") && page.body().contains("URLSearchParams"), page.body());

            overlay.committed(new CommittedWords(1, List.of(new Word(" Earlier", 0, 1)), Instant.EPOCH));
            overlay.partial("and more");
            Page first = new Page();
            WebSocket ws = open(server, "", first);
            JsonNode state = first.next();
            assertEquals("state", state.path("type").asText());
            assertEquals("Earlier", state.path("committed").asText(), "a page that connects late sees the text");
            assertEquals("and more", state.path("partial").asText());
            Await.until(Duration.ofSeconds(5), () -> overlay.viewers() == 1, () -> "one viewer");

            overlay.committed(new CommittedWords(2, List.of(new Word(" Hello", 1, 1.5), new Word(" world.", 1.5, 2)),
                    Instant.EPOCH));
            JsonNode commit = first.next();
            assertEquals("commit", commit.path("type").asText());
            assertEquals("Hello world.", commit.path("text").asText());
            assertEquals(2, commit.path("speaker").asInt());
            overlay.partial("tentative");
            JsonNode partial = first.next();
            assertEquals("partial", partial.path("type").asText());
            assertEquals("tentative", partial.path("text").asText());
            overlay.silence();
            assertEquals("clear", first.next().path("type").asText());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            Await.until(Duration.ofSeconds(5), () -> overlay.viewers() == 0, () -> "viewer gone");
        }
    }

    @Test
    void withAnApiTokenThePageNeedsIt() throws Exception {
        OverlayExtension overlay = new OverlayExtension();
        try (TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(new ScriptedRecognizer(), 4));
             StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0).withApiToken("s3cret"), service, List.of(overlay))) {
            server.start();
            assertEquals(401, http.send(HttpRequest.newBuilder(server.uri().resolve("overlay")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(server.uri().resolve("overlay?token=s3cret")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            Page refused = new Page();
            open(server, "?token=wrong", refused);
            assertEquals(4401, refused.closed.get(5, TimeUnit.SECONDS));
            Page allowed = new Page();
            open(server, "?token=s3cret", allowed);
            assertEquals("state", allowed.next().path("type").asText());
        }
    }
}
