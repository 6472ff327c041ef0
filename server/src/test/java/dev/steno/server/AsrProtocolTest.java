package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code /asr} WebSocket against WhisperLiveKit's protocol, with a real server and whisper.cpp. */
class AsrProtocolTest {
    static final Pattern TIME = Pattern.compile("\\d+:\\d\\d:\\d\\d\\.\\d\\d");
    static ServerFixture fx;
    static byte[] jfkPcm;
    static byte[] webm;

    @BeforeAll
    static void start() throws Exception {
        fx = ServerFixture.start();
        jfkPcm = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        webm = Files.readAllBytes(SharedFixtures.file("audio/browser/mediarecorder-jfk-3s.webm"));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }


    private static void assertWellFormedUpdate(JsonNode u) {
        assertTrue(u.has("status") && u.has("buffer_transcription") && u.has("remaining_time_transcription")
                && u.has("remaining_time_transcription_policy") && u.has("remaining_time_diarization"), u.toString());
        for (JsonNode line : u.path("lines")) {
            assertTrue(TIME.matcher(line.get("start").asText()).matches(), line.toString());
            assertTrue(TIME.matcher(line.get("end").asText()).matches(), line.toString());
            assertTrue(line.has("speaker") && line.has("text"), line.toString());
        }
    }

    @Test
    void pcmStreamGetsConfigUpdatesAndReadyToStop() throws Exception {
        try (WsClient c = WsClient.connect(fx.ws("language=en"))) {
            c.stream(jfkPcm, 3200); // 100 ms frames, as the AudioWorklet sends them
            c.readyToStop.get(60, TimeUnit.SECONDS);
            JsonNode config = c.messages.get(0);
            assertEquals("config", config.get("type").asText());
            assertTrue(config.get("useAudioWorklet").asBoolean());
            assertEquals("full", config.get("mode").asText());
            List<JsonNode> updates = c.updates();
            assertFalse(updates.isEmpty(), c.messages.toString());
            updates.forEach(AsrProtocolTest::assertWellFormedUpdate);
            JsonNode last = updates.get(updates.size() - 1);
            assertTrue(last.get("lines").size() > 0, "the random model commits something: " + last);
            assertEquals("", last.get("buffer_transcription").asText(), "nothing tentative after the end");
            assertEquals("ready_to_stop", c.messages.get(c.messages.size() - 1).get("type").asText());
            // committed lines never change: only the last (open) line may still grow
            JsonNode previous = null;
            for (JsonNode u : updates) {
                if (previous != null) {
                    JsonNode before = previous.get("lines");
                    JsonNode after = u.get("lines");
                    assertTrue(after.size() >= before.size(), "lines never disappear");
                    for (int i = 0; i < before.size() - 1; i++) {
                        assertEquals(before.get(i), after.get(i), "closed line " + i + " unchanged");
                    }
                }
                previous = u;
            }
        }
    }

    @Test
    void webmWrittenByFfmpegIsDecoded() throws Exception {
        byte[] ffmpeg = Files.readAllBytes(SharedFixtures.file("audio/browser/ffmpeg-jfk.webm"));
        try (WsClient c = WsClient.connect(fx.ws("language=en"))) {
            c.stream(ffmpeg, 1000);
            c.readyToStop.get(60, TimeUnit.SECONDS);
            assertTrue(fx.metrics.audioSeconds() >= 11.0, "the 11 s of Opus audio were decoded");
        }
    }

    @Test
    void webmFromMediaRecorderIsDecoded() throws Exception {
        try (WsClient c = WsClient.connect(fx.ws(""))) {
            c.stream(webm, 4000);
            c.readyToStop.get(60, TimeUnit.SECONDS);
            List<JsonNode> updates = c.updates();
            assertFalse(updates.isEmpty());
            JsonNode last = updates.get(updates.size() - 1);
            String end = last.get("lines").size() > 0
                    ? last.get("lines").get(last.get("lines").size() - 1).get("end").asText() : "0:00:00.00";
            assertTrue(end.compareTo("0:00:03.20") <= 0, "the 3 s recording ends by 3.2 s: " + end);
        }
    }

    @Test
    void diffModeSnapshotThenDiffsRebuildTheFullState() throws Exception {
        try (WsClient c = WsClient.connect(fx.ws("mode=diff&language=en"))) {
            c.stream(jfkPcm, 3200);
            c.readyToStop.get(60, TimeUnit.SECONDS);
            assertEquals("diff", c.messages.get(0).get("mode").asText());
            List<JsonNode> updates = c.updates();
            assertEquals("snapshot", updates.get(0).get("type").asText());
            List<JsonNode> lines = new ArrayList<>();
            long seq = 0;
            for (JsonNode u : updates) {
                assertEquals(++seq, u.get("seq").asLong());
                if (u.get("type").asText().equals("snapshot")) {
                    u.get("lines").forEach(lines::add);
                } else {
                    lines.subList(0, u.path("lines_pruned").asInt(0)).clear();
                    u.path("new_lines").forEach(lines::add);
                    assertEquals(u.get("n_lines").asInt(), lines.size(), "n_lines keeps client and server in sync");
                }
            }
            assertFalse(lines.isEmpty());
            lines.forEach(l -> assertTrue(TIME.matcher(l.get("start").asText()).matches()));
        }
    }

    @Test
    void wrongTokenIsClosedWith4401() throws Exception {
        try (ServerFixture secured = ServerFixture.start(ServerConfig.defaults().withApiToken("s3cret"), 4)) {
            try (WsClient bad = WsClient.connect(secured.ws("token=nope"))) {
                assertEquals(4401, bad.closeCode.get(10, TimeUnit.SECONDS));
                assertEquals("error", bad.messages.get(0).get("type").asText());
            }
            try (WsClient none = WsClient.connect(secured.ws(""))) {
                assertEquals(4401, none.closeCode.get(10, TimeUnit.SECONDS));
            }
            try (WsClient good = WsClient.connect(secured.ws("token=s3cret"))) {
                good.stream(jfkPcm, 32000);
                good.readyToStop.get(60, TimeUnit.SECONDS);
                assertFalse(good.closeCode.isDone());
            }
        }
    }

    @Test
    void badParametersAreClosedWith4400() throws Exception {
        for (String q : new String[] {"mode=sideways", "language=klingon"}) {
            try (WsClient c = WsClient.connect(fx.ws(q))) {
                assertEquals(4400, c.closeCode.get(10, TimeUnit.SECONDS), q);
                JsonNode err = c.messages.get(0);
                assertEquals("error", err.get("type").asText());
                assertTrue(err.get("error").asText().contains(q.substring(q.indexOf('=') + 1)), err.toString());
            }
        }
    }

    @Test
    void textFramesAreRefusedWithAReason() throws Exception {
        try (WsClient c = WsClient.connect(fx.ws(""))) {
            c.sendText("{\"hello\":1}");
            assertEquals(1003, c.closeCode.get(10, TimeUnit.SECONDS));
            assertTrue(c.closeReason.contains("binary"), c.closeReason);
        }
    }

    @Test
    void oversizedFramesAreRefused() throws Exception {
        try (WsClient c = WsClient.connect(fx.ws(""))) {
            byte[] huge = new byte[fx.config.maxFrameBytes() + 1];
            try {
                c.sendBinaryInFragments(huge);
            } catch (Exception closedWhileSending) {
                // the close code below says why
            }
            assertEquals(1009, c.closeCode.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void webmCutMidElementStillFinishes() throws Exception {
        try (WsClient c = WsClient.connect(fx.ws(""))) {
            int cut = webm.length / 2 + 7;
            c.sendBinary(webm, 0, cut);
            c.sendBinary(new byte[0], 0, 0);
            c.readyToStop.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void garbageWebmIsRefusedWithAReason() throws Exception {
        try (WsClient c = WsClient.connect(fx.ws(""))) {
            byte[] bad = webm.clone();
            for (int i = 40; i < 200; i++) {
                bad[i] = (byte) 0xFF;
            }
            c.sendBinary(bad, 0, bad.length);
            c.sendBinary(new byte[0], 0, 0);
            int code = c.closeCode.get(30, TimeUnit.SECONDS);
            assertEquals(1007, code, "invalid payload: " + c.closeReason);
            assertTrue(c.closeReason.startsWith("invalid audio"), c.closeReason);
        }
    }
}
