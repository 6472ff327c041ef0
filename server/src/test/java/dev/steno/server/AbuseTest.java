package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Misbehaving clients get a clear close, and a well-behaved session beside them still gets its transcript. */
class AbuseTest {
    @Test
    void twentyAbusiveClientsDoNotHurtAGoodOne() throws Exception {
        byte[] jfk = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        byte[] webm = Files.readAllBytes(SharedFixtures.file("audio/browser/mediarecorder-jfk-3s.webm"));
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults().withMaxFrameBytes(256 * 1024), 40)) {
            ExecutorService pool = Executors.newFixedThreadPool(21);
            try {
                Future<JsonNode> good = pool.submit(() -> {
                    try (WsClient c = WsClient.connect(fx.ws("language=en"))) {
                        for (int off = 0; off < jfk.length; off += 3200) {
                            c.sendBinary(jfk, off, Math.min(3200, jfk.length - off));
                            Thread.sleep(10);
                        }
                        c.sendBinary(new byte[0], 0, 0);
                        c.readyToStop.get(120, TimeUnit.SECONDS);
                        List<JsonNode> u = c.updates();
                        return u.get(u.size() - 1);
                    }
                });
                List<Future<String>> abusers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    final int kind = i % 4;
                    final long seed = i;
                    abusers.add(pool.submit(() -> abuse(fx, kind, seed, webm)));
                }
                for (Future<String> a : abusers) {
                    String outcome = a.get(120, TimeUnit.SECONDS);
                    assertFalse(outcome.isBlank(), "every abuser gets a clear outcome");
                }
                JsonNode last = good.get(180, TimeUnit.SECONDS);
                assertTrue(last.get("lines").size() > 0, "the good session finished with its transcript: " + last);
                assertEquals("", last.get("buffer_transcription").asText());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** One abusive client; returns how the server answered it. */
    private static String abuse(ServerFixture fx, int kind, long seed, byte[] webm) throws Exception {
        Random rnd = new Random(seed);
        try (WsClient c = WsClient.connect(fx.ws(kind == 3 ? "mode=bogus" : ""))) {
            switch (kind) {
                case 0 -> { // text instead of audio
                    c.sendText("hello?");
                    int code = c.closeCode.get(30, TimeUnit.SECONDS);
                    assertEquals(1003, code);
                    return "closed " + code + " " + c.closeReason;
                }
                case 1 -> { // oversized frame
                    byte[] big = new byte[256 * 1024 + 1]; // one byte over the fixture's limit
                    rnd.nextBytes(big);
                    try {
                        c.sendBinaryInFragments(big);
                    } catch (Exception expected) {
                        // closed mid-send
                    }
                    int code = c.closeCode.get(30, TimeUnit.SECONDS);
                    assertEquals(1009, code);
                    return "closed " + code;
                }
                case 2 -> { // WebM header then garbage
                    byte[] bad = webm.clone();
                    for (int i = 300; i < bad.length; i++) {
                        bad[i] = (byte) rnd.nextInt(256);
                    }
                    try {
                        c.sendBinary(bad, 0, bad.length);
                        c.sendBinary(new byte[0], 0, 0);
                    } catch (Exception closedEarly) {
                        // the server may reject the stream before the end marker is written
                    }
                    // either the decoder rejects it (1007) or what survived is transcribed and the stream ends
                    try {
                        c.readyToStop.get(60, TimeUnit.SECONDS);
                        return "finished";
                    } catch (Exception closed) {
                        int code = c.closeCode.get(30, TimeUnit.SECONDS);
                        assertEquals(1007, code, c.closeReason);
                        return "closed " + code + " " + c.closeReason;
                    }
                }
                default -> { // bad parameters
                    int code = c.closeCode.get(30, TimeUnit.SECONDS);
                    assertEquals(4400, code);
                    return "closed " + code;
                }
            }
        }
    }

    /** A client that sends audio but never reads what the server sends must not hold up anyone else. */
    @Test
    void aStalledReaderDoesNotSlowOthers() throws Exception {
        byte[] jfk = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        try (ServerFixture fx = ServerFixture.start()) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.WebSocket stalled = http.newWebSocketBuilder().buildAsync(fx.ws("language=en"),
                    new java.net.http.WebSocket.Listener() {
                        @Override
                        public void onOpen(java.net.http.WebSocket ws) {
                            // never request(): the server's messages stay unread
                        }
                    }).get(10, TimeUnit.SECONDS);
            for (int round = 0; round < 3; round++) {
                for (int off = 0; off < jfk.length; off += 32000) {
                    stalled.sendBinary(java.nio.ByteBuffer.wrap(jfk, off, Math.min(32000, jfk.length - off)), true)
                            .get(10, TimeUnit.SECONDS);
                }
            }
            try (WsClient good = WsClient.connect(fx.ws("language=en"))) {
                good.stream(jfk, 3200);
                good.readyToStop.get(60, TimeUnit.SECONDS);
                List<JsonNode> u = good.updates();
                assertTrue(u.get(u.size() - 1).get("lines").size() > 0);
            }
            stalled.abort();
        }
    }

    @Test
    void sessionsBeyondTheMaximumAreToldWhy() throws Exception {
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults(), 2);
             WsClient a = WsClient.connect(fx.ws(""));
             WsClient b = WsClient.connect(fx.ws(""))) {
            // a client has its 101 before the server counts the session: let both count before the third comes
            Await.until(Duration.ofSeconds(10), () -> fx.metrics.activeSessions() >= 2,
                    () -> "both sessions counted: " + fx.metrics.activeSessions());
            assertEquals(2, fx.metrics.activeSessions());
            try (WsClient c = WsClient.connect(fx.ws(""))) {
                assertEquals(1013, c.closeCode.get(10, TimeUnit.SECONDS));
                assertTrue(c.closeReason.contains("maximum number of sessions"), c.closeReason);
            }
            assertFalse(a.closeCode.isDone());
            assertFalse(b.closeCode.isDone());
            assertEquals(1, fx.metrics.rejectedSessions());
        }
    }
}
