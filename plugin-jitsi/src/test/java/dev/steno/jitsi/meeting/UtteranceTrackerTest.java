package dev.steno.jitsi.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session updates in, stored lines and interim/final captions out, on the meeting clock. */
class UtteranceTrackerTest {
    private final List<String> lines = new ArrayList<>();
    private final List<String> words = new ArrayList<>();
    private final List<Utterance> interims = new ArrayList<>();
    private final List<Utterance> finals = new ArrayList<>();
    private final UtteranceTracker tracker = new UtteranceTracker(10.0, new UtteranceTracker.Output() {
        @Override
        public void line(int seq, TranscriptLine line) {
            lines.add(seq + "@" + line.start() + "-" + line.end() + ":" + line.text());
        }

        @Override
        public void words(int firstSeq, List<Word> w) {
            for (Word x : w) {
                words.add(firstSeq++ + "@" + x.start() + ":" + x.text());
            }
        }

        @Override
        public void interim(Utterance u) {
            interims.add(u);
        }

        @Override
        public void fin(Utterance u) {
            finals.add(u);
        }
    });

    private static final Word HELLO = new Word(" Hello", 0.0, 0.5, 0.8);
    private static final Word WORLD = new Word(" world.", 0.6, 1.0, 0.6);
    private static final Word AGAIN = new Word(" Again", 3.0, 3.4);

    private static TranscriptUpdate update(List<TranscriptLine> lines, List<Word> committed, List<Word> tentative,
                                           boolean last) {
        return new TranscriptUpdate(lines, committed, tentative, last, LagFigures.NONE);
    }

    @Test
    void interimThenFinalWithOneMessageIdThenANewUtterance() {
        tracker.update(update(List.of(), List.of(), List.of(HELLO), false));
        assertEquals(1, interims.size());
        Utterance first = interims.getFirst();
        assertEquals("Hello", first.text());
        assertEquals(10.0, first.start(), 1e-9, "shifted onto the meeting clock");
        assertTrue(first.words().isEmpty(), "nothing committed yet");

        TranscriptLine open = new TranscriptLine(1, 0.0, 0.5, " Hello");
        tracker.update(update(List.of(open), List.of(HELLO), List.of(WORLD), false));
        assertEquals("Hello world.", interims.getLast().text());
        assertEquals(first.messageId(), interims.getLast().messageId(), "versions of one utterance share an id");
        assertEquals(List.of("0@10.0-10.5: Hello"), lines, "the open line is stored as it grows");

        // same state again: nothing new to say
        tracker.update(update(List.of(open), List.of(), List.of(WORLD), false));
        assertEquals(2, interims.size());

        TranscriptLine grown = new TranscriptLine(1, 0.0, 1.0, " Hello world.");
        tracker.update(update(List.of(grown), List.of(WORLD), List.of(), false));
        assertEquals(1, finals.size(), "nothing tentative left: the utterance is final");
        Utterance fin = finals.getFirst();
        assertEquals("Hello world.", fin.text());
        assertEquals(first.messageId(), fin.messageId());
        assertEquals(0.7, fin.confidence(), 1e-9);
        assertEquals(List.of(10.0, 10.6), fin.words().stream().map(Word::start).toList());
        assertEquals("0@10.0-11.0: Hello world.", lines.getLast());

        // the next words open a new line (the old one closes, already final) under a new message id
        TranscriptLine next = new TranscriptLine(1, 3.0, 3.4, " Again");
        tracker.update(update(List.of(grown, next), List.of(AGAIN), List.of(), true));
        assertEquals(2, finals.size());
        assertEquals("Again", finals.getLast().text());
        assertNotEquals(fin.messageId(), finals.getLast().messageId());
        assertTrue(Double.isNaN(finals.getLast().confidence()), "no probability, no confidence");
        assertEquals("1@13.0-13.4: Again", lines.getLast());
        assertEquals(List.of("0@10.0: Hello", "1@10.6: world.", "2@13.0: Again").size(), words.size());
        assertEquals("2@13.0: Again", words.getLast());
    }

    @Test
    void aClosedLineIsFinalEvenWhileTheNextIsTentative() {
        TranscriptLine l1 = new TranscriptLine(1, 0.0, 1.0, " Hello world.");
        tracker.update(update(List.of(l1), List.of(HELLO, WORLD), List.of(new Word(" Ag", 3.0, 3.2)), false));
        assertEquals(List.of(), finals, "the line is still open: 'Ag' may join it");
        TranscriptLine l2 = new TranscriptLine(1, 3.0, 3.4, " Again");
        tracker.update(update(List.of(l1, l2), List.of(AGAIN), List.of(new Word(" and", 3.5, 3.7)), false));
        assertEquals(1, finals.size(), "line 0 closed: final with exactly its words");
        assertEquals("Hello world.", finals.getFirst().text());
        assertEquals("Again and", interims.getLast().text());
    }

    @Test
    void silenceLinesAreNeitherStoredNorCaptioned() {
        TranscriptLine silence = new TranscriptLine(TranscriptLine.SILENCE, 0, 5, "");
        tracker.update(update(List.of(silence), List.of(), List.of(), true));
        assertEquals(List.of(), lines);
        assertEquals(List.of(), finals);
        assertEquals(List.of(), interims);
    }
}
