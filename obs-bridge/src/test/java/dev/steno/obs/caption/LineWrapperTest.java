package dev.steno.obs.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steno.engine.transcript.Word;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reflow into N lines of M characters, and the rolling caption text. */
class LineWrapperTest {
    @Test
    void wrapsAtSpacesAndCutsOverlongWords() {
        assertEquals(List.of("the quick", "brown fox", "jumps"), LineWrapper.wrap("the quick brown fox jumps", 10));
        assertEquals(List.of("abcdefghij", "klm x"), LineWrapper.wrap("abcdefghijklm x", 10));
        assertEquals(List.of("abcdefghij", "klm", "1234567890"), LineWrapper.wrap("abcdefghijklm 1234567890", 10));
        assertEquals(List.of("a", ">> b"), LineWrapper.wrap("a\n>> b", 10));
        assertEquals(List.of(), LineWrapper.wrap("   ", 10));
        // code points, not chars: a line of 3 emoji is 3 wide
        assertEquals(List.of("😀😀😀", "😀"), LineWrapper.wrap("😀😀😀😀", 3));
        assertThrows(IllegalArgumentException.class, () -> LineWrapper.wrap("x", 0));
    }

    @Test
    void tailKeepsTheLastLines() {
        assertEquals("brown fox\njumps", LineWrapper.tail("the quick brown fox jumps", 2, 10));
        assertEquals("jumps", LineWrapper.tail("the quick brown fox jumps", 1, 10));
        assertEquals("", LineWrapper.tail("", 2, 10));
    }

    @Test
    void captionTextRollsCommittedAndTentativeAndMarksNewSpeakers() {
        CaptionText text = new CaptionText();
        text.commit(words(1, " Hello", " there."));
        text.partial(" how are");
        assertEquals("Hello there. how are", text.fullText());
        text.commit(words(1, " How", " are"));
        assertEquals("Hello there. How are", text.fullText());
        text.commit(words(2, " Fine."));
        assertEquals("Hello there. How are\n>> Fine.", text.committedText());
        text.clear();
        assertEquals("", text.fullText());
        text.commit(words(1, " Back."));
        assertEquals(">> Back.", text.committedText(), "a speaker change across a pause is still marked");
        for (int i = 0; i < 500; i++) {
            text.commit(words(1, " word" + i));
        }
        org.junit.jupiter.api.Assertions.assertTrue(text.committedText().length() <= 1200, "history is bounded");
        org.junit.jupiter.api.Assertions.assertTrue(text.committedText().endsWith("word498 word499"));
    }

    static CommittedWords words(int speaker, String... texts) {
        List<Word> list = new java.util.ArrayList<>();
        double t = 0;
        for (String s : texts) {
            list.add(new Word(s, t, t + 0.3));
            t += 0.4;
        }
        return new CommittedWords(speaker, list, Instant.EPOCH);
    }
}
