package dev.steno.engine.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptFormatTest {
    private final List<TranscriptLine> lines = List.of(
            new TranscriptLine(0, 0.52, 1.9, " Hello world."),
            new TranscriptLine(TranscriptLine.SILENCE, 1.9, 8.1, ""),
            new TranscriptLine(2, 3661.005, 3662.5, " a < b & c"));
    private final List<Word> words = List.of(new Word(" Hello", 0.52, 1.0, 0.9), new Word(" world.", 1.0, 1.9));

    @Test
    void srt() {
        assertEquals("1\n00:00:00,520 --> 00:00:01,900\nHello world.\n\n"
                + "2\n01:01:01,005 --> 01:01:02,500\na < b & c\n\n", TranscriptFormat.SRT.write(lines, words));
    }

    @Test
    void vttEscapesMarkupAndTagsSpeakers() {
        assertEquals("WEBVTT\n\n00:00:00.520 --> 00:00:01.900\nHello world.\n\n"
                + "01:01:01.005 --> 01:01:02.500\n<v Speaker 2>a &lt; b &amp; c\n\n",
                TranscriptFormat.VTT.write(lines, words));
    }

    @Test
    void txtSkipsSilence() {
        assertEquals("Hello world.\na < b & c\n", TranscriptFormat.TXT.write(lines, words));
    }

    @Test
    void speakerLabelsGoIntoTextAndSubRipOnlyWhenAsked() {
        assertEquals("Hello world.\nSpeaker 2: a < b & c\n", TranscriptFormat.TXT.write(lines, words, true));
        assertEquals("1\n00:00:00,520 --> 00:00:01,900\nHello world.\n\n"
                + "2\n01:01:01,005 --> 01:01:02,500\nSpeaker 2: a < b & c\n\n", TranscriptFormat.SRT.write(lines, words,
                true));
        // WebVTT has voice tags and JSON speaker numbers either way
        assertEquals(TranscriptFormat.VTT.write(lines, words), TranscriptFormat.VTT.write(lines, words, true));
        assertEquals(TranscriptFormat.JSON.write(lines, words), TranscriptFormat.JSON.write(lines, words, true));
        for (TranscriptFormat f : TranscriptFormat.values()) {
            assertEquals(f.write(lines, words), f.write(lines, words, false), f.name());
        }
    }

    @Test
    void jsonHasLinesWordsAndText() throws Exception {
        JsonNode root = new ObjectMapper().readTree(TranscriptFormat.JSON.write(lines, words));
        assertEquals("Hello world. a < b & c", root.get("text").asText());
        assertEquals(3, root.get("lines").size());
        assertEquals(-2, root.get("lines").get(1).get("speaker").asInt());
        assertEquals(0.52, root.get("words").get(0).get("start").asDouble(), 1e-9);
        assertEquals(0.9, root.get("words").get(0).get("probability").asDouble(), 1e-9);
        assertTrue(root.get("words").get(1).get("probability") == null, "unknown probability is left out");
    }

    @Test
    void parse() {
        assertEquals(TranscriptFormat.SRT, TranscriptFormat.parse(" Srt"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TranscriptFormat.parse("docx"));
        assertTrue(e.getMessage().contains("txt, srt, vtt or json"), e.getMessage());
    }
}
