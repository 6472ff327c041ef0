package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The obs-bridge module builds against the engine's transcript model. */
class ModuleWiringTest {
    @Test
    void engineTranscriptModelIsUsable() {
        List<Word> words = List.of(new Word(" Hello", 0.5, 0.9), new Word(" world.", 0.9, 1.4));
        assertEquals("Hello world.", Words.text(words));
        assertThrows(IllegalArgumentException.class, () -> new TranscriptLine(1, 2.0, 1.0, "backwards"));
    }
}
