package dev.steno.jitsi.skynet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jigasi's skynet protocol, frame by frame, against a real server. */
class SkynetProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIANCE = Pattern.compile("\"variance\":[0-9]+\\.[0-9]+[,}]");

    @TempDir
    Path dir;

    static byte[] frame(String header, byte[] pcm) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[SkynetHeader.SIZE + pcm.length];
        System.arraycopy(h, 0, f, 0, h.length);
        System.arraycopy(pcm, 0, f, SkynetHeader.SIZE, pcm.length);
        return f;
    }

    static byte[] spacePadded(String header, byte[] pcm) {
        byte[] f = frame(header, pcm);
        Arrays.fill(f, header.getBytes(StandardCharsets.UTF_8).length, SkynetHeader.SIZE, (byte) ' ');
        return f;
    }

    @Test
    void twoParticipantsOnOneSocketGetTheirOwnResultsAndTranscriptLines() throws Exception {
        JitsiConfig config = JitsiConfig.defaults(dir).withLimits(SkynetHeader.SIZE + 32_000, 64 * 1024);
        try (JitsiServer server = JitsiServer.withTones(config)) {
            String meeting = UUID.randomUUID().toString();
            TestSocket ws = TestSocket.open(server.ws("/streaming-whisper/ws/" + meeting));
            byte[] a = Audio.s16le(Audio.bursts(16_000, 300, 4, 0.5, 1.2)); // alpha x4
            byte[] b = Audio.s16le(Audio.bursts(16_000, 700, 4, 0.5, 1.2)); // bravo x4
            int chunk = 16_000; // 0.5 s
            for (int at = 0; at < a.length; at += chunk) {
                if (at + chunk >= a.length) {
                    // interim results come while the stream runs: the last chunk waits until one did
                    ws.awaitArrived(t -> t.contains("\"type\":\"interim\""), Duration.ofSeconds(20));
                }
                ws.binary(frame("aaaa1111|en", Arrays.copyOfRange(a, at, at + chunk)));
                ws.binary(spacePadded("bbbb2222|en", Arrays.copyOfRange(b, at, at + chunk)));
                if (at == 2 * chunk) {
                    // bad input in the middle of the meeting: each is dropped, the others carry on
                    ws.binary(frame("cccc3333 en", new byte[3200]));               // header without '|'
                    ws.binary(new byte[20]);                                        // shorter than the header
                    ws.binary(frame("cccc3333|en", new byte[40_000]));             // oversized
                    ws.binary(frame("|en", new byte[3200]));                        // no participant
                    ws.binary(frame("cc\u0001cc|en", new byte[3200]));             // control character in the id
                    ws.text("{\"not\":\"audio\"}");                                 // text frame
                }
                Thread.sleep(100);
            }
            ws.binary(new byte[] {0});

            List<JsonNode> finals = new ArrayList<>();
            List<String> raw = new ArrayList<>();
            StringBuilder alpha = new StringBuilder();
            StringBuilder bravo = new StringBuilder();
            while (count(alpha) < 4 || count(bravo) < 4) {
                JsonNode r = ws.await(n -> true, 20);
                raw.add(ws.seen().getLast());
                assertEquals(Set.of("id", "participant_id", "ts", "text", "audio", "type", "variance"),
                        fields(r), ws.seen().getLast());
                assertEquals(7, UUID.fromString(r.get("id").asText()).version(), "ids are UUIDv7");
                assertFalse(r.get("text").asText().isBlank(), "empty results are never sent");
                assertTrue(Set.of("interim", "final").contains(r.get("type").asText()));
                if (r.get("type").asText().equals("final")) {
                    finals.add(r);
                    String pid = r.get("participant_id").asText();
                    String text = r.get("text").asText();
                    if (pid.equals("aaaa1111")) {
                        assertTrue(text.matches("(alpha ?)+"), "A's final: " + text);
                        alpha.append(text).append(' ');
                    } else {
                        assertEquals("bbbb2222", pid);
                        assertTrue(text.matches("(bravo ?)+"), "B's final: " + text);
                        bravo.append(text).append(' ');
                    }
                }
            }
            assertEquals(4, count(alpha), alpha.toString());
            assertEquals(4, count(bravo), bravo.toString());
            for (String r : raw) {
                assertTrue(VARIANCE.matcher(r).find(), "variance with a decimal point: " + r);
            }
            assertTrue(raw.stream().anyMatch(r -> r.contains("\"type\":\"interim\"")), "interim results: " + raw);
            ws.closeNormally();

            // the meeting's transcript: both participants as speakers, lines by time
            HttpResponse<String> json = server.get("/meetings/" + meeting + "/transcript.json");
            assertEquals(200, json.statusCode(), json.body());
            JsonNode t = JSON.readTree(json.body());
            Set<String> speakers = new TreeSet<>();
            for (JsonNode p : t.get("participants")) {
                speakers.add(p.get("id").asText() + "=" + p.get("speaker").asInt());
            }
            assertEquals(Set.of("aaaa1111=1", "bbbb2222=2"), speakers, "cccc3333 never joined: its frames were bad");
            double last = -1;
            int words = 0;
            for (JsonNode l : t.get("lines")) {
                assertTrue(l.get("start").asDouble() >= last, "lines merged by time");
                last = l.get("start").asDouble();
                String expected = l.get("participant").asText().equals("aaaa1111") ? "alpha" : "bravo";
                for (String w : l.get("text").asText().split(" ")) {
                    assertEquals(expected, w, "line of " + l.get("participant") + ": " + l);
                    words++;
                }
            }
            assertEquals(8, words);
            String txt = server.get("/meetings/" + meeting + "/transcript.txt").body();
            assertTrue(txt.contains("aaaa1111: alpha"), txt);
            assertTrue(txt.contains("bbbb2222: bravo"), txt);
        }
    }

    private static int count(StringBuilder words) {
        String s = words.toString().strip();
        return s.isEmpty() ? 0 : s.split("\\s+").length;
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
