package dev.steno.jitsi.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    /** Ann's room microphone with a second voice: the name says which, the number stays Ann's. */
    private static final MeetingTranscript VOICES = new MeetingTranscript("m2", 0,
            List.of(new MeetingTranscript.ParticipantInfo("a1", 1, "Ann", "en")),
            List.of(new MeetingTranscript.Line("a1", 1, 1, "Ann", 0.5, 1.25, " Hello."),
                    new MeetingTranscript.Line("a1", 1, 2, "Ann (2)", 2.0, 3.0, " Hi.")),
            List.of());

    @Test
    void furtherVoicesOfAParticipantAreNamedWithTheirNumber() throws Exception {
        assertEquals("Ann: Hello.\nAnn (2): Hi.\n", MeetingTranscriptFormat.write(VOICES, TranscriptFormat.TXT));
        assertEquals("WEBVTT\n\n00:00:00.500 --> 00:00:01.250\n<v Ann>Hello.\n\n"
                        + "00:00:02.000 --> 00:00:03.000\n<v Ann (2)>Hi.\n\n",
                MeetingTranscriptFormat.write(VOICES, TranscriptFormat.VTT));
        JsonNode lines = new ObjectMapper().readTree(MeetingTranscriptFormat.write(VOICES, TranscriptFormat.JSON))
                .get("lines");
        assertEquals(1, lines.get(1).get("speaker").asInt(), "the participant's number");
        assertEquals(2, lines.get(1).get("voice").asInt());
        assertEquals("Ann (2)", lines.get(1).get("name").asText());
        assertEquals(false, lines.get(0).has("voice"), "a first voice is the participant itself");
    }

    @Test
    void voiceLabels() {
        assertEquals("Ann", MeetingTranscript.voiceLabel("Ann", 1));
        assertEquals("Ann (3)", MeetingTranscript.voiceLabel("Ann", 3));
        assertEquals("b2 (2)", new MeetingTranscript.ParticipantInfo("b2", 2, null, null).label(2));
        assertThrows(IllegalArgumentException.class, () -> MeetingTranscript.voiceLabel("Ann", 0));
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
