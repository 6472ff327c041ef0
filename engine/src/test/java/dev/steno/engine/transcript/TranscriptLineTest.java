package dev.steno.engine.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptLineTest {
    @Test
    void aLineThatEndsBeforeItStartsIsRefusedWithBothTimes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TranscriptLine(1, 2.0, 1.0, "backwards"));
        assertEquals("line ends (1.0) before it starts (2.0)", e.getMessage());
    }

    @Test
    void wordTextJoinsTokensAndDropsTheLeadingSpace() {
        assertEquals("Hello world.", Words.text(List.of(new Word(" Hello", 0.5, 0.9), new Word(" world.", 0.9, 1.4))));
    }
}
