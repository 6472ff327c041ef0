package dev.steno.engine.asr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordTimingsTest {
    @Test
    void spreadsSegmentTimeByWordLength() {
        List<Word> words = WordTimings.proportional(" ab abcd, ab", 1.0, 2.0);
        assertEquals(List.of(" ab", " abcd,", " ab"), words.stream().map(Word::text).toList());
        // 2 + 5 + 2 = 9 characters over one second
        assertEquals(1.0, words.get(0).start(), 1e-9);
        assertEquals(1.0 + 2 / 9.0, words.get(0).end(), 1e-9);
        assertEquals(words.get(0).end(), words.get(1).start(), 1e-9);
        assertEquals(1.0 + 7 / 9.0, words.get(1).end(), 1e-9);
        assertEquals(2.0, words.get(2).end(), 1e-12);
    }

    @Test
    void keepsTextAndNormalisesWhitespace() {
        List<Word> words = WordTimings.proportional("  And so   my\tfellow ", 0, 3);
        assertEquals(List.of(" And", " so", " my", " fellow"), words.stream().map(Word::text).toList());
        assertEquals("And so my fellow", Words.text(words));
        assertTrue(words.stream().allMatch(w -> w.end() >= w.start()));
    }

    @Test
    void textWithoutLeadingSpaceAndDegenerateSegments() {
        assertEquals("Hi", WordTimings.proportional("Hi", 0, 1).get(0).text());
        assertTrue(WordTimings.proportional("   ", 0, 1).isEmpty());
        List<Word> zero = WordTimings.proportional(" a b", 4.0, 4.0);
        assertEquals(2, zero.size());
        assertTrue(zero.stream().allMatch(w -> w.start() == 4.0 && w.end() == 4.0));
    }
}
