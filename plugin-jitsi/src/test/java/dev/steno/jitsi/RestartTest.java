package dev.steno.jitsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import dev.steno.engine.testing.SystemPrograms;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.skynet.SkynetHeader;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.PostgresCluster;
import dev.steno.jitsi.testing.TestSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server closed in the middle of a meeting, and a new one on the same store: every line committed before the close
 * is served, and the meeting goes on with its clock and speaker numbers.
 */
class RestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sqlite() throws Exception {
        JitsiConfig config = JitsiConfig.defaults(dir).withShutdownGraceMillis(0);
        restart(config, () -> JdbcTranscriptStore.sqlite(dir));
    }

    @Test
    @Tag(SystemPrograms.TAG)
    void postgresql() throws Exception {
        try (PostgresCluster pg = PostgresCluster.startOrSkip()) {
            String url = pg.newDatabase();
            JitsiConfig config = JitsiConfig.defaults(dir).withJdbc(url, null, null).withShutdownGraceMillis(0);
            restart(config, () -> JdbcTranscriptStore.open(url, null, null));
        }
    }

    private static byte[] frame(String participant, byte[] pcm, int from, int to) {
        byte[] f = new byte[SkynetHeader.SIZE + to - from];
        System.arraycopy(SkynetHeader.encode(participant, "en"), 0, f, 0, SkynetHeader.SIZE);
        System.arraycopy(pcm, from, f, SkynetHeader.SIZE, Math.min(pcm.length, to) - from);
        return f;
    }

    private void restart(JitsiConfig config, Supplier<JdbcTranscriptStore> sideStore) throws Exception {
        List<String> finals = new ArrayList<>();
        byte[] a = Audio.s16le(Audio.bursts(16_000, 300, 6, 0.5, 1.2));
        try (JitsiServer first = JitsiServer.withTones(config)) {
            TestSocket ws = TestSocket.open(first.ws("/ws/daily"));
            int at = 0;
            // stream in real time until two utterances are final, then stop the server mid-sentence (on a machine
            // too slow for that, with all audio sent and the socket still open)
            while (finals.size() < 2) {
                if (at < a.length) {
                    ws.binary(frame("aaaa", a, at, at + 3200));
                    at += 3200;
                    Thread.sleep(100); // real time, as Jigasi sends
                } else {
                    JsonNode r = ws.await(n -> n.path("type").asText().equals("final"), 20);
                    finals.add(r.get("text").asText());
                }
                while (!ws.texts.isEmpty()) {
                    JsonNode r = JSON.readTree(ws.texts.poll());
                    if (r.get("type").asText().equals("final")) {
                        finals.add(r.get("text").asText());
                    }
                }
            }
            // committed means stored: another reader of the store sees the finals already
            try (JdbcTranscriptStore reader = sideStore.get()) {
                assertTrue(words(reader.transcript("daily").orElseThrow()).startsWith(String.join(" ", finals)),
                        "stored before the server stops");
            }
        } // the server closes while Jigasi is still streaming

        try (JitsiServer second = JitsiServer.withTones(config)) {
            JsonNode t = JSON.readTree(second.get("/meetings/daily/transcript.json").body());
            String before = t.get("text").asText();
            assertTrue(before.startsWith("aaaa: " + finals.getFirst()), before);
            StringBuilder words = new StringBuilder();
            for (JsonNode l : t.get("lines")) {
                words.append(l.get("text").asText()).append(' ');
            }
            assertTrue(words.toString().strip().startsWith(String.join(" ", finals)),
                    "every final of the first server is served by the second: " + words + " vs " + finals);
            double lastEnd = t.get("lines").get(t.get("lines").size() - 1).get("end").asDouble();

            // the meeting goes on: a new participant is speaker 2, placed after the earlier lines on the clock
            TestSocket ws = TestSocket.open(second.ws("/ws/daily"));
            byte[] b = Audio.s16le(Audio.bursts(16_000, 700, 1, 0.5, 0.5));
            ws.binary(frame("bbbb", b, 0, b.length));
            ws.binary(new byte[] {0});
            ws.await(n -> n.path("type").asText().equals("final") && n.path("participant_id").asText().equals("bbbb"),
                    20);
            JsonNode after = JSON.readTree(second.get("/meetings/daily/transcript.json").body());
            JsonNode last = after.get("lines").get(after.get("lines").size() - 1);
            assertEquals("bbbb", last.get("participant").asText());
            assertEquals(2, last.get("speaker").asInt());
            assertEquals("bravo", last.get("text").asText());
            assertTrue(last.get("start").asDouble() > lastEnd, "after the earlier lines on the meeting clock");
            ws.close();
        }
    }

    private static String words(MeetingTranscript t) {
        StringBuilder s = new StringBuilder();
        for (MeetingTranscript.Line l : t.lines()) {
            s.append(l.text().strip()).append(' ');
        }
        return s.toString().strip();
    }
}
