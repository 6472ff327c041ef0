package dev.steno.engine.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineAssemblerTest {
    @Test
    void breaksAtSentenceEndsAndPauses() {
        LineAssembler a = new LineAssembler(1);
        a.add(List.of(new Word(" Hello", 0, 0.4), new Word(" there.", 0.4, 0.8), new Word(" How", 0.9, 1.1)));
        a.add(List.of(new Word(" are", 1.1, 1.3), new Word(" you", 1.3, 1.5), new Word(" now", 3.5, 3.8)));
        List<TranscriptLine> lines = a.lines();
        assertEquals(List.of(" Hello there.", " How are you", " now"), lines.stream().map(TranscriptLine::text).toList());
        assertEquals(0.9, lines.get(1).start(), 1e-12);
        assertEquals(1.5, lines.get(1).end(), 1e-12);
        assertEquals(1, lines.get(2).speaker());
    }

    @Test
    void longRunsAreSplitForReadability() {
        LineAssembler a = new LineAssembler(0);
        for (int i = 0; i < 40; i++) {
            a.add(List.of(new Word(" word" + i, i * 0.3, i * 0.3 + 0.3)));
        }
        a.closeOpenLine();
        for (TranscriptLine l : a.lines()) {
            assertEquals(true, l.text().strip().length() <= LineAssembler.MAX_LINE_CHARS, l.text());
            assertEquals(true, l.end() - l.start() <= LineAssembler.MAX_LINE_SECONDS + 1e-9, l.toString());
        }
        assertEquals(40, String.join("", a.lines().stream().map(TranscriptLine::text).toList()).split(" word").length - 1);
    }
}
