package dev.steno.server.asr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UpdateEncoderTest {
    @Test
    void timesAreHoursMinutesSecondsCentiseconds() {
        assertEquals("0:00:00.52", AsrState.time(0.52));
        assertEquals("0:00:01.90", AsrState.time(1.9));
        assertEquals("1:01:01.01", AsrState.time(3661.005));
        assertEquals("0:00:00.00", AsrState.time(-3));
    }

    @Test
    void aDiarizedSilenceLineHasNullTextAndSpeakersPassThrough() {
        List<TranscriptLine> lines = List.of(new TranscriptLine(2, 0.5, 1.9, " Hi."),
                new TranscriptLine(TranscriptLine.SILENCE, 1.9, 8.1, ""), new TranscriptLine(1, 8.1, 9, " Yes"));
        TranscriptUpdate update = new TranscriptUpdate(lines, List.of(), List.of(),
                List.of(new Word(" and", 9, 9.2)), false, new LagFigures(0.1, 0, 0, 0.75));
        JsonNode diarized = AsrState.of(AsrState.ACTIVE, update, true).toFullJson();
        assertEquals(2, diarized.get("lines").get(0).get("speaker").asInt());
        assertEquals(-2, diarized.get("lines").get(1).get("speaker").asInt());
        assertTrue(diarized.get("lines").get(1).get("text").isNull(), diarized.toString());
        assertEquals(1, diarized.get("lines").get(2).get("speaker").asInt());
        assertEquals(" and", diarized.get("buffer_diarization").asText());
        assertEquals(0.75, diarized.get("remaining_time_diarization").asDouble(), 1e-9);
        JsonNode plain = AsrState.of(AsrState.ACTIVE, update, false).toFullJson();
        assertEquals("", plain.get("lines").get(1).get("text").asText());
        assertTrue(plain.get("lines").get(1).get("text").isTextual());
    }

    @Test
    void fullStateCarriesEveryProtocolField() {
        AsrState s = AsrState.of(AsrState.ACTIVE, List.of(new TranscriptLine(0, 0.52, 1.9, " Hello world."),
                new TranscriptLine(TranscriptLine.SILENCE, 1.9, 8.1, "")), " and you", new LagFigures(0.4, 0.2, 0.3), true);
        JsonNode j = s.toFullJson();
        assertEquals("active_transcription", j.get("status").asText());
        assertEquals(1, j.get("lines").get(0).get("speaker").asInt(), "unattributed speech shows as speaker 1");
        assertEquals(" Hello world.", j.get("lines").get(0).get("text").asText());
        assertEquals("0:00:00.52", j.get("lines").get(0).get("start").asText());
        assertEquals(-2, j.get("lines").get(1).get("speaker").asInt());
        assertEquals("", j.get("lines").get(1).get("text").asText());
        assertEquals(" and you", j.get("buffer_transcription").asText());
        assertEquals("", j.get("buffer_diarization").asText());
        assertEquals(0.4, j.get("remaining_time_transcription").asDouble(), 1e-9);
        assertEquals(0.2, j.get("remaining_time_transcription_processing").asDouble(), 1e-9);
        assertEquals(0.3, j.get("remaining_time_transcription_policy").asDouble(), 1e-9);
        assertTrue(j.has("remaining_time_diarization"));
        assertFalse(j.has("type"), "full-mode state updates have no type field");
    }

    /**
     * Applying the diffs in order reproduces every state: the client's lines are the closed lines, and its buffer shows
     * the open line's text followed by the tentative text, whatever changed in between.
     */
    @Test
    void diffsReproduceTheStates() {
        Random rnd = new Random(42);
        UpdateEncoder enc = new UpdateEncoder(true);
        List<TranscriptLine> lines = new ArrayList<>();
        List<JsonNode> client = new ArrayList<>();
        long expectedSeq = 1;
        for (int step = 0; step < 300; step++) {
            boolean last = step == 299;
            // new lines appear, the open last line gets longer, or only the tentative text changes
            int action = rnd.nextInt(3);
            if (action == 0 || lines.isEmpty()) {
                double t = lines.isEmpty() ? 0 : lines.get(lines.size() - 1).end();
                lines.add(new TranscriptLine(rnd.nextInt(3), t, t + 1, " w" + step));
            } else if (action == 1) {
                TranscriptLine open = lines.remove(lines.size() - 1);
                lines.add(new TranscriptLine(open.speaker(), open.start(), open.end() + 0.5, open.text() + " x" + step));
            }
            String tentative = last ? "" : " tentative" + rnd.nextInt(5);
            AsrState state = AsrState.of(AsrState.ACTIVE, lines, tentative, LagFigures.NONE, last);
            if (!enc.changed(state)) {
                continue;
            }
            JsonNode msg = enc.encode(state);
            assertEquals(expectedSeq++, msg.get("seq").asLong());
            if (msg.get("type").asText().equals("snapshot")) {
                client.clear();
                msg.get("lines").forEach(client::add);
            } else {
                assertEquals("diff", msg.get("type").asText());
                assertFalse(msg.has("lines_pruned"), "nothing is ever taken back");
                msg.path("new_lines").forEach(client::add);
                assertEquals(msg.get("n_lines").asInt(), client.size());
            }
            JsonNode all = state.toFullJson().get("lines");
            int closed = last ? all.size() : all.size() - 1;
            assertEquals(closed, client.size(), "closed lines after step " + step);
            for (int i = 0; i < closed; i++) {
                assertEquals(all.get(i), client.get(i), "line " + i + " after step " + step);
            }
            String open = last ? "" : all.get(all.size() - 1).get("text").asText();
            assertEquals(open + tentative, msg.get("buffer_transcription").asText());
        }
        assertEquals(lines.size(), client.size(), "the final update closes every line");
    }

    @Test
    void fullModeSendsTheOpenLineAsALine() {
        UpdateEncoder enc = new UpdateEncoder(false);
        JsonNode msg = enc.encode(AsrState.of(AsrState.ACTIVE, List.of(new TranscriptLine(0, 0, 1, " open")),
                " tent", LagFigures.NONE, false));
        assertEquals(1, msg.get("lines").size());
        assertEquals(" tent", msg.get("buffer_transcription").asText());
    }

    @Test
    void unchangedStatesAreNotSentAgain() {
        UpdateEncoder enc = new UpdateEncoder(false);
        AsrState s = AsrState.of(AsrState.ACTIVE, List.of(), "", LagFigures.NONE, false);
        assertTrue(enc.changed(s));
        enc.encode(s);
        assertFalse(enc.changed(AsrState.of(AsrState.ACTIVE, List.of(), "", LagFigures.NONE, false)));
    }
}
