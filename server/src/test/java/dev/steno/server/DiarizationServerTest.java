package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Speaker labels on a server with diarization: {@code /asr} lines of dialogue-a (two espeak voices, five turns)
 * split at the turns with speakers 1 and 2, a session may opt out, and uploads get speakers.
 */
class DiarizationServerTest {
    /** Reference turns of dialogue-a.rttm: start, end (seconds); voices alternate, starting with the first. */
    static final double[][] TURNS = {{0.5, 4.753}, {5.353, 10.158}, {10.758, 15.062}, {15.662, 20.033},
        {20.634, 24.798}};
    static final ObjectMapper JSON = new ObjectMapper();

    static ServerFixture diarizing;
    static ServerFixture plain;
    static byte[] dialoguePcm;
    static byte[] dialogueWav;

    @BeforeAll
    static void start() throws Exception {
        // the default limit of the command line (8): nothing tells the diarizer that two people talk
        diarizing = ServerFixture.over(new TranscriptionService(
                TestStreams.localAgreement(new SpeechBurstRecognizer(), 4), BaselineDiarizer.factory(8)));
        plain = ServerFixture.over(new TranscriptionService(TestStreams.localAgreement(new SpeechBurstRecognizer(), 4)));
        dialogueWav = Files.readAllBytes(SharedFixtures.file("audio/synthetic/dialogue-a.wav"));
        dialoguePcm = Pcm16.of(WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav"))
                .resampledTo(16000).samples());
    }

    @AfterAll
    static void stop() throws Exception {
        diarizing.close();
        plain.close();
    }

    /** The index of the reference turn a span overlaps most, or -1. */
    static int turnOf(double start, double end) {
        int best = -1;
        double bestOverlap = 0;
        for (int i = 0; i < TURNS.length; i++) {
            double o = Math.min(end, TURNS[i][1]) - Math.max(start, TURNS[i][0]);
            if (o > bestOverlap) {
                best = i;
                bestOverlap = o;
            }
        }
        return best;
    }

    static double seconds(String time) {
        String[] p = time.split(":");
        return Integer.parseInt(p[0]) * 3600 + Integer.parseInt(p[1]) * 60 + Double.parseDouble(p[2]);
    }

    /**
     * Streams dialogue-a in 100 ms frames: the first half, then (once the stream has transcribed it alone) the rest
     * and the end of stream.
     */
    private static List<JsonNode> streamDialogue(String query) throws Exception {
        try (WsClient c = WsClient.connect(diarizing.ws(query))) {
            int half = dialoguePcm.length / 2 / 3200 * 3200;
            for (int off = 0; off < half; off += 3200) {
                c.sendBinary(dialoguePcm, off, 3200);
            }
            // the stream transcribed the first half on its own: lines, or a tentative hypothesis over it when the
            // policy still waits for a second agreeing step (which only new audio brings)
            Await.until(Duration.ofSeconds(60), () -> c.updates().stream().anyMatch(u -> !u.get("lines").isEmpty()
                            || u.get("buffer_transcription").asText().strip().split("\\s+").length >= 5),
                    () -> "nothing transcribed of the first half: " + c.messages);
            byte[] rest = Arrays.copyOfRange(dialoguePcm, half, dialoguePcm.length);
            c.stream(rest, 3200);
            c.readyToStop.get(120, TimeUnit.SECONDS);
            return new ArrayList<>(c.messages);
        }
    }

    @Test
    void asrLinesSplitAtTheTurnsWithTwoSpeakers() throws Exception {
        List<JsonNode> messages = streamDialogue("language=en");
        assertTrue(messages.get(0).get("diarization").asBoolean(), "the page learns that speakers are labelled");
        List<JsonNode> updates = messages.stream().filter(m -> !m.has("type")).toList();
        boolean lagged = false;
        for (JsonNode u : updates) {
            assertTrue(u.has("buffer_diarization") && u.has("remaining_time_diarization"), u.toString());
            lagged |= u.get("remaining_time_diarization").asDouble() > 0;
        }
        assertTrue(lagged, "the diarizer's decided time trailed the transcript at some point");
        JsonNode last = updates.getLast();
        assertEquals("", last.get("buffer_diarization").asText(), "nothing awaits a speaker at the end");
        // the two voices alternate: turns 0, 2, 4 are one speaker, turns 1, 3 the other
        Map<Integer, Integer> speakerOfVoice = new HashMap<>();
        Set<Integer> speakers = new HashSet<>();
        double agreeing = 0;
        double total = 0;
        int turnsSeen = 0;
        int previousTurn = -1;
        for (JsonNode line : last.get("lines")) {
            int speaker = line.get("speaker").asInt();
            assertTrue(speaker == 1 || speaker == 2, "speakers are 1..2: " + line);
            double start = seconds(line.get("start").asText());
            double end = seconds(line.get("end").asText());
            int turn = turnOf(start, end);
            assertTrue(turn >= 0, "a line lies on speech: " + line);
            for (double[] t : TURNS) {
                // a line never runs across a turn change (the reference turns overrun the voice a little)
                assertFalse(start < t[0] - 0.45 && end > t[0] + 0.45, "line " + line + " spans a turn change");
            }
            speakers.add(speaker);
            int expected = speakerOfVoice.computeIfAbsent(turn % 2, v -> speaker);
            if (expected == speaker) {
                agreeing += end - start;
            }
            total += end - start;
            if (turn != previousTurn) {
                turnsSeen++;
                previousTurn = turn;
            }
        }
        assertEquals(Set.of(1, 2), speakers, last.toString());
        assertEquals(5, turnsSeen, "every turn has lines: " + last);
        assertTrue(agreeing / total >= 0.9, "each voice keeps its speaker: " + agreeing / total + " " + last);
        assertEquals(1, last.get("lines").get(0).get("speaker").asInt(), "speakers are numbered in order of appearance");
    }

    @Test
    void aSessionMayOptOutOfDiarization() throws Exception {
        List<JsonNode> messages = streamDialogue("language=en&diarization=false");
        assertFalse(messages.get(0).get("diarization").asBoolean());
        List<JsonNode> updates = messages.stream().filter(m -> !m.has("type")).toList();
        JsonNode last = updates.getLast();
        assertTrue(last.get("lines").size() >= 5, last.toString());
        for (JsonNode u : updates) {
            for (JsonNode line : u.get("lines")) {
                assertEquals(1, line.get("speaker").asInt(), "without diarization every line is speaker 1: " + line);
            }
            assertEquals(0.0, u.get("remaining_time_diarization").asDouble(), u.toString());
            assertEquals("", u.get("buffer_diarization").asText());
        }
    }

    @Test
    void aBadDiarizationParameterIsRefused() throws Exception {
        try (WsClient c = WsClient.connect(diarizing.ws("diarization=maybe"))) {
            assertEquals(4400, c.closeCode.get(10, TimeUnit.SECONDS));
            assertTrue(c.messages.get(0).get("error").asText().contains("maybe"), c.messages.toString());
        }
    }

    @Test
    void withoutABackendSessionsAreNotDiarized() throws Exception {
        try (WsClient c = WsClient.connect(plain.ws("language=en"))) {
            c.stream(dialoguePcm, 32000);
            c.readyToStop.get(120, TimeUnit.SECONDS);
            assertFalse(c.messages.get(0).get("diarization").asBoolean());
            JsonNode last = c.updates().getLast();
            assertFalse(last.get("lines").isEmpty());
            last.get("lines").forEach(l -> assertEquals(1, l.get("speaker").asInt(), l.toString()));
        }
    }

    @Test
    void diarizedJsonUploadHasSpeakerSegments() throws Exception {
        HttpResponse<String> r = HttpEndpointsTest.HTTP.send(HttpEndpointsTest.upload(
                diarizing.http("v1/audio/transcriptions"), Map.of("response_format", "diarized_json"), "d.wav",
                dialogueWav), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode o = JSON.readTree(r.body());
        assertEquals("transcribe", o.get("task").asText());
        assertEquals(25.398, o.get("duration").asDouble(), 0.01);
        JsonNode segments = o.get("segments");
        Set<String> speakers = new HashSet<>();
        Map<Integer, String> speakerOfVoice = new HashMap<>();
        int agreeing = 0;
        for (int i = 0; i < segments.size(); i++) {
            JsonNode s = segments.get(i);
            assertEquals("transcript.text.segment", s.get("type").asText());
            assertEquals(String.format("seg_%03d", i + 1), s.get("id").asText());
            assertFalse(s.get("text").asText().isBlank(), s.toString());
            speakers.add(s.get("speaker").asText());
            int turn = turnOf(s.get("start").asDouble(), s.get("end").asDouble());
            if (speakerOfVoice.computeIfAbsent(turn % 2, v -> s.get("speaker").asText())
                    .equals(s.get("speaker").asText())) {
                agreeing++;
            }
        }
        assertEquals(Set.of("A", "B"), speakers, r.body());
        assertEquals("A", segments.get(0).get("speaker").asText());
        assertTrue(agreeing >= 0.9 * segments.size(), r.body());

        HttpResponse<String> verbose = HttpEndpointsTest.HTTP.send(HttpEndpointsTest.upload(
                diarizing.http("v1/audio/transcriptions"), Map.of("response_format", "verbose_json"), "d.wav",
                dialogueWav), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, verbose.statusCode(), verbose.body());
        for (JsonNode s : JSON.readTree(verbose.body()).get("segments")) {
            assertTrue(Set.of("A", "B").contains(s.path("speaker").asText()), s.toString());
        }
    }

    @Test
    void diarizedJsonIsRefusedWithoutDiarization() throws Exception {
        HttpResponse<String> r = HttpEndpointsTest.HTTP.send(HttpEndpointsTest.upload(
                plain.http("v1/audio/transcriptions"), Map.of("response_format", "diarized_json"), "d.wav",
                dialogueWav), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertTrue(error.get("message").asText().contains("--diarization"), r.body());
        assertEquals("invalid_request_error", error.get("type").asText());

        HttpResponse<String> verbose = HttpEndpointsTest.HTTP.send(HttpEndpointsTest.upload(
                plain.http("v1/audio/transcriptions"), Map.of("response_format", "verbose_json"), "d.wav",
                dialogueWav), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, verbose.statusCode());
        for (JsonNode s : JSON.readTree(verbose.body()).get("segments")) {
            assertNull(s.get("speaker"), "no speaker without diarization: " + s);
        }
    }
}
