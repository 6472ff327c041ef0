package dev.steno.engine.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineAssemblerTest {
    private static List<SpokenWord> by(int speaker, Word... words) {
        return Arrays.stream(words).map(w -> new SpokenWord(w, speaker)).toList();
    }

    @Test
    void breaksAtSentenceEndsAndPauses() {
        LineAssembler a = new LineAssembler();
        a.add(by(1, new Word(" Hello", 0, 0.4), new Word(" there.", 0.4, 0.8), new Word(" How", 0.9, 1.1)));
        a.add(by(1, new Word(" are", 1.1, 1.3), new Word(" you", 1.3, 1.5), new Word(" now", 3.5, 3.8)));
        List<TranscriptLine> lines = a.lines();
        assertEquals(List.of(" Hello there.", " How are you", " now"), lines.stream().map(TranscriptLine::text).toList());
        assertEquals(0.9, lines.get(1).start(), 1e-12);
        assertEquals(1.5, lines.get(1).end(), 1e-12);
        assertEquals(1, lines.get(2).speaker());
    }

    @Test
    void longRunsAreSplitForReadability() {
        LineAssembler a = new LineAssembler();
        for (int i = 0; i < 40; i++) {
            a.add(by(0, new Word(" word" + i, i * 0.3, i * 0.3 + 0.3)));
        }
        a.closeOpenLine();
        for (TranscriptLine l : a.lines()) {
            assertEquals(true, l.text().strip().length() <= LineAssembler.MAX_LINE_CHARS, l.text());
            assertEquals(true, l.end() - l.start() <= LineAssembler.MAX_LINE_SECONDS + 1e-9, l.toString());
        }
        assertEquals(40, String.join("", a.lines().stream().map(TranscriptLine::text).toList()).split(" word").length - 1);
    }

    @Test
    void aSpeakerChangeStartsALineMidSentence() {
        LineAssembler a = new LineAssembler();
        a.add(by(1, new Word(" so", 0, 0.2), new Word(" we", 0.2, 0.4)));
        a.add(by(2, new Word(" right", 0.5, 0.7)));
        a.add(by(2, new Word(" and", 0.8, 1.0)));
        a.add(by(1, new Word(" then", 1.1, 1.3)));
        List<TranscriptLine> lines = a.lines();
        assertEquals(List.of(" so we", " right and", " then"), lines.stream().map(TranscriptLine::text).toList());
        assertEquals(List.of(1, 2, 1), lines.stream().map(TranscriptLine::speaker).toList());
        assertEquals(0.5, lines.get(1).start(), 1e-12);
        assertEquals(1.0, lines.get(1).end(), 1e-12);
    }
}
