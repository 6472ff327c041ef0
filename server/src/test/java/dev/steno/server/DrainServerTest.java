package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.server.asr.AsrConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.Test;

/** Draining a real server: probes, the admin endpoint and its token rules, live and new sessions, the metrics. */
class DrainServerTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a metric line {@code name value}. */
    static double metric(ServerFixture fx, String name) throws Exception {
        String body = get(fx.http("/metrics")).body();
        return body.lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " in " + body));
    }

    /** The refused handshake's response, failing when the socket opened. */
    static HttpResponse<?> refusedUpgrade(URI uri) {
        CompletionException e = assertThrows(CompletionException.class, () -> HTTP.newWebSocketBuilder()
                .buildAsync(uri, new WebSocket.Listener() {
                }).join());
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse();
    }

    @Test
    void probesTellLiveAndReadyThenDrainingWhileLivenessStays() throws Exception {
        try (ServerFixture fx = ServerFixture.start()) {
            HttpResponse<String> live = get(fx.http("/health/live"));
            assertEquals(200, live.statusCode());
            assertEquals("live", JSON.readTree(live.body()).get("status").asText());
            HttpResponse<String> ready = get(fx.http("/health/ready"));
            assertEquals(200, ready.statusCode());
            assertEquals("ready", JSON.readTree(ready.body()).get("status").asText());
            assertEquals(0, metric(fx, "steno_draining"));

            HttpResponse<String> drain = post(fx.http("/admin/drain"), Map.of());
            assertEquals(202, drain.statusCode(), drain.body());
            assertEquals("draining", JSON.readTree(drain.body()).get("status").asText());
            assertEquals(new Drain.Outcome(0, 0), fx.server.drain().finished().get(30, TimeUnit.SECONDS));

            HttpResponse<String> notReady = get(fx.http("/health/ready"));
            assertEquals(503, notReady.statusCode());
            assertEquals("draining", JSON.readTree(notReady.body()).get("status").asText());
            assertEquals(200, get(fx.http("/health/live")).statusCode(), "liveness never fails for a drain");
            HttpResponse<String> health = get(fx.http("/health"));
            assertEquals(503, health.statusCode(), "/health follows readiness");
            JsonNode h = JSON.readTree(health.body());
            assertEquals("draining", h.get("status").asText());
            assertFalse(h.get("ready").asBoolean());
            assertEquals("whisper.cpp", h.get("backend").asText());
            assertEquals(1, metric(fx, "steno_draining"));
            assertEquals(202, post(fx.http("/admin/drain"), Map.of()).statusCode(), "asking again is fine");
            assertEquals(405, get(fx.http("/admin/drain")).statusCode(), "a drain needs POST");
        }
    }

    @Test
    void withoutATokenOnlyADirectLocalCallMayDrain() throws Exception {
        try (ServerFixture fx = ServerFixture.start()) {
            HttpResponse<String> proxied = post(fx.http("/admin/drain"), Map.of("X-Forwarded-For", "203.0.113.7"));
            assertEquals(403, proxied.statusCode());
            assertTrue(proxied.body().contains("--api-token"), proxied.body());
            assertFalse(fx.server.drain().draining(), "refused: still serving");
            assertEquals(202, post(fx.http("/admin/drain"), Map.of()).statusCode(), "loopback, no proxy");
            assertTrue(fx.server.drain().draining());
        }
    }

    @Test
    void withATokenTheDrainNeedsItButTheProbesDoNot() throws Exception {
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults().withApiToken("s3cret"), 2)) {
            assertEquals(200, get(fx.http("/health/live")).statusCode(), "a kubelet probe has no token");
            assertEquals(200, get(fx.http("/health/ready")).statusCode());
            assertEquals(401, get(fx.http("/health")).statusCode(), "the old endpoint keeps its token rule");
            assertEquals(401, post(fx.http("/admin/drain"), Map.of()).statusCode());
            assertEquals(401, post(fx.http("/admin/drain?token=s3cret!"), Map.of()).statusCode());
            assertEquals(401, post(fx.http("/admin/drain"), Map.of("Authorization", "Bearer s3cre")).statusCode());
            assertFalse(fx.server.drain().draining());
            assertEquals(202, post(fx.http("/admin/drain"), Map.of("Authorization", "Bearer s3cret",
                    "X-Forwarded-For", "203.0.113.7")).statusCode(), "with the token a proxied call may drain");
            assertTrue(fx.server.drain().draining());
            assertEquals(503, get(fx.http("/health/ready")).statusCode());
        }
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults().withApiToken("s3cret"), 2)) {
            assertEquals(202, post(fx.http("/admin/drain?token=s3cret"), Map.of()).statusCode());
            assertTrue(fx.server.drain().draining());
        }
    }

    /** Words of the lines of an {@code /asr} update. */
    static int words(JsonNode update) {
        int n = 0;
        for (JsonNode line : update.path("lines")) {
            String text = line.path("text").asText("").strip();
            n += text.isEmpty() ? 0 : text.split("\\s+").length;
        }
        return n;
    }

    @Test
    void aLiveSessionGetsItsFinalLinesThenGoingAwayAndNewSessionsAreRefused() throws Exception {
        byte[] jfk = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        try (ServerFixture fx = ServerFixture.over(new TranscriptionService(TestStreams.localAgreement(
                new SpeechBurstRecognizer(), 4))); WsClient c = WsClient.connect(fx.ws("language=en"))) {
            for (int off = 0; off < jfk.length; off += 3200) {
                c.sendBinary(jfk, off, Math.min(3200, jfk.length - off)); // no end marker: the client keeps talking
            }
            Await.until(Duration.ofSeconds(60), () -> !c.updates().isEmpty()
                    && !c.updates().getLast().path("buffer_transcription").asText().isEmpty(),
                    () -> "a tentative tail: " + c.messages);
            assertEquals(1, metric(fx, "steno_sessions_active"));
            assertTrue(metric(fx, "steno_load") > 0, "a session takes a slot");
            byte[] more = new byte[3200];
            Await.until(Duration.ofSeconds(60), () -> {
                c.sendBinary(more, 0, more.length); // still talking: the next step hears it
                return metric(fx, "steno_speaking_participants") == 1;
            }, () -> "the streaming client counts as speaking");
            JsonNode before = c.updates().getLast();

            fx.server.drain().start();
            assertEquals(StatusCode.SHUTDOWN, c.closeCode.get(60, TimeUnit.SECONDS));
            assertEquals(AsrConnection.DRAINED, c.closeReason);
            assertTrue(c.readyToStop.isDone() && !c.readyToStop.isCompletedExceptionally(),
                    "ready_to_stop came before the close: " + c.messages);
            JsonNode last = c.updates().getLast();
            assertEquals("", last.get("buffer_transcription").asText(), "nothing left tentative: " + last);
            assertTrue(words(last) > words(before), "the tentative tail was committed: " + before + " -> " + last);
            JsonNode linesBefore = before.get("lines");
            JsonNode linesAfter = last.get("lines");
            for (int i = 0; i < linesBefore.size() - 1; i++) {
                assertEquals(linesBefore.get(i), linesAfter.get(i), "closed line " + i + " unchanged");
            }
            assertEquals(new Drain.Outcome(1, 0), fx.server.drain().finished().get(60, TimeUnit.SECONDS));
            Await.until(Duration.ofSeconds(30), () -> metric(fx, "steno_sessions_active") == 0,
                    () -> "the stream is counted out");

            HttpResponse<?> refused = refusedUpgrade(fx.ws("language=en"));
            assertEquals(503, refused.statusCode());
            assertEquals("5", refused.headers().firstValue("retry-after").orElse(""));
            byte[] wav = Files.readAllBytes(SharedFixtures.file("audio/librispeech/7902-96591-0000.wav"));
            HttpResponse<String> upload = HTTP.send(HttpEndpointsTest.upload(fx.http("/v1/audio/transcriptions"),
                    Map.of(), "a.wav", wav), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, upload.statusCode());
            assertEquals("5", upload.headers().firstValue("retry-after").orElse(""));
            assertTrue(upload.body().contains("draining"), upload.body());
        }
    }

    @Test
    void aSessionThatCannotFinishIsClosedWithGoingAwayAtTheDeadline() throws Exception {
        HeldRecognizer held = new HeldRecognizer();
        ServerConfig config = ServerConfig.defaults().withPcmInput(true).withDrainTimeout(Duration.ofMillis(200));
        try (ServerFixture fx = ServerFixture.over(new TranscriptionService(TestStreams.localAgreement(held, 4)),
                config); WsClient c = WsClient.connect(fx.ws("language=en"))) {
            held.hold = true;
            c.sendBinary(new byte[32_000], 0, 32_000); // 1 s: a step starts and is held
            assertTrue(held.entered.await(60, TimeUnit.SECONDS), "a step runs");
            Drain.Outcome o = fx.server.drain().start().get(60, TimeUnit.SECONDS);
            assertEquals(new Drain.Outcome(0, 1), o, "the only worker is held: the stream could not end in time");
            assertEquals(StatusCode.SHUTDOWN, c.closeCode.get(60, TimeUnit.SECONDS));
            assertEquals(AsrConnection.DRAINED, c.closeReason);
            held.release.countDown();
        } finally {
            held.release.countDown();
        }
    }
}
