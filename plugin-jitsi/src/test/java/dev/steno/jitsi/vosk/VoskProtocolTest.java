package dev.steno.jitsi.vosk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vosk-server protocol as Jigasi's VoskTranscriptionService speaks it. */
class VoskProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    java.nio.file.Path dir;

    @Test
    void pcmAt48kHzGivesPartialsThenFinalsWithWordTimesThenANormalClose() throws Exception {
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir))) {
            TestSocket ws = TestSocket.open(server.ws("/vosk/standup?participant=p1&name=Alice"));
            ws.text("{\"config\" : {\"sample_rate\" : 48000.0 }}");
            byte[] pcm = Audio.s16le(Audio.bursts(48_000, 1100, 3, 0.5, 1.2)); // charlie x3 at 0, 1.7, 3.4 s
            for (int at = 0; at < pcm.length; at += 48_000) { // 500 ms chunks, as Jigasi sends
                if (at + 48_000 >= pcm.length) {
                    // partials come while the stream runs: the last chunk waits until one did
                    ws.awaitArrived(t -> t.contains("\"partial\""), Duration.ofSeconds(20));
                }
                ws.binary(Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + 48_000)));
                if (at == 96_000) {
                    ws.text("{\"config\" : {\"sample_rate\" : ");   // malformed: dropped
                    ws.text("{\"hello\":1}");                         // unknown: dropped
                }
                Thread.sleep(60);
            }
            ws.text("{\"eof\" : 1}");
            assertEquals(1000, ws.closed.get(20, TimeUnit.SECONDS), "normal close after eof");
            List<String> all = ws.drainUntilClosed(5);
            List<JsonNode> words = new ArrayList<>();
            boolean partial = false;
            for (String s : all) {
                JsonNode m = JSON.readTree(s);
                if (m.has("partial")) {
                    assertEquals(Set.of("partial"), fields(m));
                    assertTrue(m.get("partial").asText().matches("(charlie ?)+"), s);
                    partial = true;
                    continue;
                }
                assertEquals(Set.of("result", "text"), fields(m), s);
                StringBuilder text = new StringBuilder();
                for (JsonNode w : m.get("result")) {
                    assertEquals(Set.of("conf", "end", "start", "word"), fields(w));
                    text.append(w.get("word").asText()).append(' ');
                    words.add(w);
                }
                assertEquals(text.toString().strip(), m.get("text").asText());
            }
            assertTrue(partial, "partial results: " + all);
            assertEquals(3, words.size(), all.toString());
            for (int i = 0; i < 3; i++) {
                JsonNode w = words.get(i);
                assertEquals("charlie", w.get("word").asText());
                assertEquals(1.7 * i, w.get("start").asDouble(), 0.06, "word times from the socket's start");
                assertEquals(1.7 * i + 0.5, w.get("end").asDouble(), 0.06);
                assertEquals(0.9, w.get("conf").asDouble(), 1e-9);
            }
            String txt = server.get("/meetings/standup/transcript.txt").body();
            assertEquals("Alice: charlie charlie charlie\n", txt, "display name as the speaker");
        }
    }

    @Test
    void badSettingsAreDroppedAndTheStreamGoesOnAtTheDefaultRate() throws Exception {
        JitsiConfig config = JitsiConfig.defaults(dir).withLimits(60 + 32_000, 64 * 1024);
        try (JitsiServer server = JitsiServer.withTones(config)) {
            TestSocket ws = TestSocket.open(server.ws("/vosk"));
            ws.text("{\"config\":{\"sample_rate\":\"fast\"}}");
            ws.text("{\"config\":{\"sample_rate\":44100.5}}");
            ws.binary(new byte[40_000]); // over the frame limit: dropped, not joined
            byte[] pcm = Audio.s16le(Audio.bursts(16_000, 1500, 2, 0.5, 1.2)); // delta x2 at 16 kHz
            for (int at = 0; at < pcm.length; at += 16_000) {
                ws.binary(Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + 16_000)));
            }
            ws.text("{\"eof\":1}");
            assertEquals(1000, ws.closed.get(20, TimeUnit.SECONDS));
            assertEquals("delta delta", finalsText(ws));
            JsonNode t = JSON.readTree(server.get("/meetings/vosk/transcript.json").body());
            assertEquals(1, t.get("participants").size());
            assertTrue(t.get("participants").get(0).get("id").asText().startsWith("vosk-"));
            assertEquals(3.4, server.metrics.audioSeconds(), 0.001, "the oversized frame was not transcribed");
        }
    }

    /** The text of every final result until the socket closed, joined by spaces. */
    static String finalsText(TestSocket ws) throws Exception {
        StringBuilder finals = new StringBuilder();
        for (String s : ws.drainUntilClosed(5)) {
            JsonNode m = JSON.readTree(s);
            if (m.has("text")) {
                finals.append(m.get("text").asText()).append(' ');
            }
        }
        return finals.toString().strip();
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
