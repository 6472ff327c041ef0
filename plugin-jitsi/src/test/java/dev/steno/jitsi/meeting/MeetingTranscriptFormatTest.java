package dev.steno.jitsi.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.transcript.TranscriptFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact output of the four export formats, with participants as speakers. */
class MeetingTranscriptFormatTest {
    private static final MeetingTranscript T = new MeetingTranscript("m1", 0,
            List.of(new MeetingTranscript.ParticipantInfo("a1", 1, "Ann <chair>", "en"),
                    new MeetingTranscript.ParticipantInfo("b2", 2, null, "en")),
            List.of(new MeetingTranscript.Line("a1", 1, "Ann <chair>", 0.5, 1.25, " Hello all."),
                    new MeetingTranscript.Line("b2", 2, "b2", 1.0, 3661.5, " Hi & bye.")),
            List.of(new MeetingTranscript.TimedWord("a1", 1, " Hello", 0.5, 0.9, 0.5),
                    new MeetingTranscript.TimedWord("b2", 2, " Hi", 1.0, 1.2, Double.NaN)));

    @Test
    void txt() {
        assertEquals("Ann <chair>: Hello all.\nb2: Hi & bye.\n", MeetingTranscriptFormat.write(T, TranscriptFormat.TXT));
    }

    @Test
    void srt() {
        assertEquals("1\n00:00:00,500 --> 00:00:01,250\nAnn <chair>: Hello all.\n\n"
                        + "2\n00:00:01,000 --> 01:01:01,500\nb2: Hi & bye.\n\n",
                MeetingTranscriptFormat.write(T, TranscriptFormat.SRT));
    }

    @Test
    void vttUsesEscapedVoiceTags() {
        assertEquals("WEBVTT\n\n00:00:00.500 --> 00:00:01.250\n<v Ann &lt;chair&gt;>Hello all.\n\n"
                        + "00:00:01.000 --> 01:01:01.500\n<v b2>Hi &amp; bye.\n\n",
                MeetingTranscriptFormat.write(T, TranscriptFormat.VTT));
    }

    @Test
    void json() throws Exception {
        JsonNode j = new ObjectMapper().readTree(MeetingTranscriptFormat.write(T, TranscriptFormat.JSON));
        assertEquals("m1", j.get("meeting_id").asText());
        assertEquals("1970-01-01T00:00:00Z", j.get("started").asText());
        assertEquals("Ann <chair>", j.get("participants").get(0).get("name").asText());
        assertEquals(true, j.get("participants").get(1).get("name").isNull());
        assertEquals("b2", j.get("lines").get(1).get("name").asText());
        assertEquals(2, j.get("lines").get(1).get("speaker").asInt());
        assertEquals(3661.5, j.get("lines").get(1).get("end").asDouble());
        assertEquals("Ann <chair>: Hello all.\nb2: Hi & bye.", j.get("text").asText());
        assertEquals(0.5, j.get("words").get(0).get("probability").asDouble());
        assertEquals(false, j.get("words").get(1).has("probability"));
    }
}
