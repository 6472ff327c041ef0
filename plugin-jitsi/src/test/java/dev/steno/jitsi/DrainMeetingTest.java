package dev.steno.jitsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.Await;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.skynet.SkynetHeader;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import dev.steno.server.Drain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node drains while Jigasi streams a meeting: the last words are stored and sent, then the socket goes away. */
class DrainMeetingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static byte[] frame(String header, byte[] pcm) {
        byte[] f = new byte[SkynetHeader.SIZE + pcm.length];
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(h, 0, f, 0, h.length);
        System.arraycopy(pcm, 0, f, SkynetHeader.SIZE, pcm.length);
        return f;
    }

    private static int words(List<String> texts) {
        String all = String.join(" ", texts).strip();
        return all.isEmpty() ? 0 : all.split("\\s+").length;
    }

    /** Words of the finals so far plus those of the latest interim after them. */
    private static int heard(List<String> raw) throws Exception {
        int finals = 0;
        int interim = 0;
        for (String m : raw) {
            JsonNode r = JSON.readTree(m);
            String type = r.path("type").asText();
            if (type.equals("final")) {
                finals += words(List.of(r.path("text").asText()));
                interim = 0;
            } else if (type.equals("interim")) {
                interim = words(List.of(r.path("text").asText()));
            }
        }
        return finals + interim;
    }

    @Test
    void aLiveMeetingSocketStoresAndSendsItsLastWordsThenClosesWithGoingAway() throws Exception {
        JitsiConfig config = JitsiConfig.defaults(dir).withLimits(SkynetHeader.SIZE + 32_000, 64 * 1024);
        try (JitsiServer server = JitsiServer.withTones(config)) {
            String meeting = "drained-meeting";
            TestSocket ws = TestSocket.open(server.ws("/streaming-whisper/ws/" + meeting));
            byte[] a = Audio.s16le(Audio.bursts(16_000, 300, 4, 0.5, 1.2)); // alpha x4, and no end frame
            for (int at = 0; at < a.length; at += 16_000) {
                ws.binary(frame("aaaa1111|en", Arrays.copyOfRange(a, at, Math.min(a.length, at + 16_000))));
            }
            // a drain takes no more input: wait until the node has heard all four bursts (finals so far plus the
            // latest interim), or frames still in flight would be cut off and the count below would race the drain
            Await.until(Duration.ofSeconds(30), () -> heard(List.copyOf(ws.texts)) >= 4,
                    () -> "all four words heard before the drain: " + ws.texts);

            Drain.Outcome outcome = server.server.drain().start().get(60, TimeUnit.SECONDS);
            assertEquals(new Drain.Outcome(2, 0), outcome, "the socket and the meetings finished in time");
            assertEquals(1001, ws.closed.get(30, TimeUnit.SECONDS), "going away: Jigasi reconnects elsewhere");
            List<String> finals = new ArrayList<>();
            for (String raw : ws.drainUntilClosed(10)) {
                JsonNode r = JSON.readTree(raw);
                if (r.path("type").asText().equals("final")) {
                    assertEquals("aaaa1111", r.get("participant_id").asText());
                    finals.add(r.get("text").asText());
                }
            }
            assertEquals(4, words(finals), "every word went out as a final: " + finals);
            MeetingTranscript stored = server.jitsi.registry().transcript(meeting).orElseThrow();
            assertEquals("alpha alpha alpha alpha", String.join(" ", stored.lines().stream()
                    .map(l -> l.text().strip()).toList()), "and every word is stored");

            assertEquals(503, server.get("/health/ready").statusCode());
            assertEquals(503, TestSocket.handshakeStatus(server.ws("/streaming-whisper/ws/" + meeting), Map.of()),
                    "Jigasi's reconnect is refused here, so that a proxy tries another node");
            assertEquals(503, TestSocket.handshakeStatus(server.ws("/transcribe/" + meeting), Map.of()));
            assertEquals(503, TestSocket.handshakeStatus(server.ws("/vosk/" + meeting), Map.of()));
        }
    }
}
