package dev.steno.jitsi.mediajson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The videobridge audio export ("mediajson"), event by event, against a real server. */
class MediaJsonProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    java.nio.file.Path dir;

    static String start(String tag, String endpoint, int seq) {
        return "{\"event\":\"start\",\"sequenceNumber\":\"" + seq + "\",\"start\":{\"tag\":\"" + tag + "\","
                + "\"mediaFormat\":{\"encoding\":\"opus\",\"sampleRate\":48000,\"channels\":2},"
                + "\"customParameters\":{\"endpointId\":\"" + endpoint + "\"}}}";
    }

    static String media(String tag, int seq, int chunk, long timestamp, byte[] packet) {
        return "{\"event\":\"media\",\"sequenceNumber\":\"" + seq + "\",\"media\":{\"tag\":\"" + tag + "\","
                + "\"chunk\":\"" + chunk + "\",\"timestamp\":\"" + timestamp + "\",\"payload\":\""
                + Base64.getEncoder().encodeToString(packet) + "\",\"audioLevel\":38,\"vad\":true}}";
    }

    static String stop(String tag, int seq) {
        return "{\"event\":\"stop\",\"sequenceNumber\":\"" + seq + "\",\"stop\":{\"tag\":\"" + tag + "\"}}";
    }

    @Test
    void twoEndpointsAreTwoSpeakersWithResultsRoutedBack() throws Exception {
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir))) {
            TestSocket ws = TestSocket.open(server.ws("/transcribe/room-1?language=de")); // as a url-template may ask
            String tagA = "aaaaaaaa-305123557";
            String tagB = "bbbbbbbb-42";
            List<byte[]> a = Audio.opus(Audio.bursts(48_000, 300, 4, 0.5, 1.2)); // alpha x4, 6.8 s
            List<byte[]> b = Audio.opus(Audio.bursts(48_000, 700, 4, 0.5, 1.2)); // bravo x4
            int seq = 1;
            ws.text(start(tagA, "aaaaaaaa", seq++));
            ws.text(start(tagB, "bbbbbbbb", seq++));
            ws.text("{\"event\":\"ping\",\"id\":7}");
            assertEquals("{\"event\":\"pong\",\"id\":7}", ws.texts.poll(5, java.util.concurrent.TimeUnit.SECONDS));
            long tsA = 4_294_000_000L; // close to the 32-bit wrap: timestamps must keep counting across it
            for (int i = 0; i < a.size(); i++) {
                if (i == a.size() - 25) {
                    // interim results come while the stream runs: the last half second waits until one did
                    ws.awaitArrived(t -> t.contains("\"is_interim\":true"), Duration.ofSeconds(20));
                }
                int chunkA = (65_500 + i) & 0xFFFF; // the sequence number wraps too
                ws.text(media(tagA, seq++, chunkA, (tsA + 960L * i) & 0xFFFF_FFFFL, a.get(i)));
                ws.text(media(tagB, seq++, 1000 + i, 268_460 + 960L * i, b.get(i)));
                if (i % 60 == 10) {
                    // a duplicate packet and bad input mid-stream: dropped, the meeting carries on
                    ws.text(media(tagA, seq++, chunkA, (tsA + 960L * i) & 0xFFFF_FFFFL, a.get(i)));
                    ws.text("{\"event\":\"media\",\"media\":{\"tag\":\"" + tagB + "\",\"chunk\":\"1\","
                            + "\"payload\":\"!!not base64!!\"}}");
                    ws.text("{\"event\":\"media\",\"sequ");
                    ws.text("{\"event\":\"media\",\"media\":{\"tag\":\"cccccccc-1\",\"payload\":\"AAAA\"}}");
                    ws.text("{\"event\":\"dance\"}");
                    ws.text("[1,2,3]");
                    ws.binary(new byte[] {1, 2, 3});
                    ws.text("{\"event\":\"media\",\"pad\":\"" + "x".repeat(100_000) + "\"}"); // oversized
                }
                if (i % 25 == 0) {
                    Thread.sleep(50);
                }
            }
            ws.text("{\"event\":\"info\",\"info\":{\"note\":\"hello\"}}");
            ws.text("{\"event\":\"ping\",\"id\":8}");
            ws.text(stop(tagA, seq++));
            ws.text(stop(tagB, seq++));

            StringBuilder alpha = new StringBuilder();
            StringBuilder bravo = new StringBuilder();
            boolean interim = false;
            boolean pong8 = false;
            while (words(alpha) < 4 || words(bravo) < 4) {
                JsonNode r = ws.await(n -> true, 20);
                if (r.path("event").asText().equals("pong")) {
                    assertEquals(8, r.get("id").asInt());
                    pong8 = true;
                    continue;
                }
                assertEquals("transcription-result", r.get("type").asText());
                assertEquals("transcription-result", r.get("event").asText());
                assertEquals(Set.of("type", "event", "is_interim", "message_id", "transcript", "participant",
                        "timestamp", "language"), fields(r));
                assertEquals("de", r.get("language").asText(), "the language the bridge asked for");
                assertTrue(r.get("timestamp").isIntegralNumber());
                assertTrue(r.get("is_interim").isBoolean());
                String text = r.get("transcript").get(0).get("text").asText();
                assertEquals(0.9, r.get("transcript").get(0).get("confidence").asDouble(), 1e-9);
                String id = r.get("participant").get("id").asText();
                String tag = r.get("participant").get("tag").asText();
                if (r.get("is_interim").asBoolean()) {
                    interim = true;
                }
                if (id.equals("aaaaaaaa")) {
                    assertEquals(tagA, tag);
                    assertTrue(text.matches("(alpha ?)+"), text);
                    if (!r.get("is_interim").asBoolean()) {
                        alpha.append(text).append(' ');
                    }
                } else {
                    assertEquals("bbbbbbbb", id);
                    assertEquals(tagB, tag);
                    assertTrue(text.matches("(bravo ?)+"), text);
                    if (!r.get("is_interim").asBoolean()) {
                        bravo.append(text).append(' ');
                    }
                }
            }
            assertEquals(4, words(alpha));
            assertEquals(4, words(bravo));
            assertTrue(interim, "interim results were sent: " + ws.seen());
            if (!pong8) {
                ws.await(n -> n.path("event").asText().equals("pong") && n.path("id").asInt() == 8, 10);
            }

            // every packet decoded once, the duplicates not at all: audio length preserved (2 x 6.8 s)
            waitUntilIdle(server, "room-1");
            assertEquals(13.6, server.metrics.audioSeconds(), 0.05);

            JsonNode t = JSON.readTree(server.get("/meetings/room-1/transcript.json").body());
            assertEquals(2, t.get("participants").size());
            assertTrue(t.get("text").asText().contains("aaaaaaaa: alpha"), t.toString());
            assertTrue(t.get("text").asText().contains("bbbbbbbb: bravo"), t.toString());
            ws.close();
        }
    }

    @Test
    void speechThroughWhisperKeepsItsLengthAndTheProtocolAnswers() throws Exception {
        PcmAudio speech = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(48_000);
        // the first 4 s ("And so my fellow Americans, ask not"): every step of the real model costs time
        List<byte[]> packets = Audio.opus(java.util.Arrays.copyOf(speech.samples(), 4 * 48_000));
        try (JitsiServer server = JitsiServer.withWhisper(JitsiConfig.defaults(dir))) {
            TestSocket ws = TestSocket.open(server.ws("/transcribe/jfk"));
            String tag = "e1e1e1e1-1";
            ws.text(start(tag, "e1e1e1e1", 1));
            for (int i = 0; i < packets.size(); i++) {
                ws.text(media(tag, i + 2, i, 960L * i, packets.get(i)));
            }
            ws.text("{\"event\":\"ping\",\"id\":1}");
            ws.await(n -> n.path("event").asText().equals("pong") && n.path("id").asInt() == 1, 20);
            ws.text(stop(tag, packets.size() + 2));
            waitUntilIdle(server, "jfk");
            assertEquals(packets.size() * 0.02, server.metrics.audioSeconds(), 0.001);
            // whatever the random-weight model said was routed to this endpoint only
            for (String s : ws.seen()) {
                JsonNode r = JSON.readTree(s);
                if (r.has("participant")) {
                    assertEquals("e1e1e1e1", r.get("participant").get("id").asText());
                }
            }
            JsonNode list = JSON.readTree(server.get("/meetings").body());
            assertEquals("jfk", list.get("meetings").get(0).get("id").asText());
            assertEquals(1, list.get("meetings").get(0).get("participants").asInt());
            ws.close();
        }
    }

    static void waitUntilIdle(JitsiServer server, String meeting) throws Exception {
        Await.until(Duration.ofSeconds(20),
                () -> server.jitsi.registry().active(meeting).map(m -> m.participants().isEmpty()).orElse(false),
                () -> "participants of " + meeting + " did not end");
    }

    private static int words(StringBuilder s) {
        String t = s.toString().strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
