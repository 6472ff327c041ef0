package dev.steno.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HypothesisBufferTest {
    private static Word w(String text, double start, double end) {
        return new Word(text, start, end);
    }

    private static Word w(String text, double start, double end, double p) {
        return new Word(text, start, end, p);
    }

    private static List<String> texts(List<Word> words) {
        return words.stream().map(Word::text).toList();
    }

    private static final String[] SIX = {" one", " two", " three", " four", " five", " six"};

    /** A buffer that has committed " one" .. " six", each 1 s long, the last ending at 6.0. */
    private static HypothesisBuffer committedSix() {
        HypothesisBuffer hb = new HypothesisBuffer(false);
        List<Word> hyp = new ArrayList<>();
        for (int i = 0; i < SIX.length; i++) {
            hyp.add(w(SIX[i], i, i + 1));
        }
        hb.insert(hyp, 0);
        assertEquals(List.of(), hb.flush());
        hb.insert(hyp, 0);
        assertEquals(List.of(SIX), texts(hb.flush()));
        assertEquals(6.0, hb.lastCommittedTime());
        return hb;
    }

    @Test
    void commitsTheAgreedPrefixWithTheNewTimingsAndKeepsTheRestTentative() {
        HypothesisBuffer hb = new HypothesisBuffer(false);
        hb.insert(List.of(w(" ask", 0.0, 0.3), w(" not", 0.3, 0.6), w(" wha", 0.6, 0.8)), 1.0);
        assertEquals(List.of(), hb.flush());
        assertEquals(List.of(w(" ask", 1.0, 1.3), w(" not", 1.3, 1.6), w(" wha", 1.6, 1.8)), hb.complete());

        hb.insert(List.of(w(" ask", 0.02, 0.31), w(" not", 0.31, 0.62), w(" what", 0.62, 0.9)), 1.0);
        assertEquals(List.of(w(" ask", 1.02, 1.31), w(" not", 1.31, 1.62)), hb.flush());
        assertEquals(List.of(w(" what", 1.62, 1.9)), hb.complete());
        assertEquals(1.62, hb.lastCommittedTime(), 1e-12);
        assertEquals(List.of(" ask", " not"), texts(hb.committedInBuffer()));
    }

    @Test
    void comparesExactTextIncludingPunctuationAndCase() {
        HypothesisBuffer hb = new HypothesisBuffer(false);
        hb.insert(List.of(w(" country", 0, 0.5)), 0);
        hb.flush();
        hb.insert(List.of(w(" country.", 0, 0.5)), 0);
        assertEquals(List.of(), hb.flush());
        hb.insert(List.of(w(" Country.", 0, 0.5)), 0);
        assertEquals(List.of(), hb.flush());
        hb.insert(List.of(w(" Country.", 0, 0.5)), 0);
        assertEquals(List.of(" Country."), texts(hb.flush()));
    }

    @Test
    void dropsWordsStartingMoreThanATenthBeforeTheLastCommittedEnd() {
        HypothesisBuffer hb = committedSix();
        hb.insert(List.of(w(" five", 4.0, 5.0), w(" old", 5.85, 5.95), w(" seven", 5.95, 6.5)), 0);
        // " old" starts 0.15 s before the committed end: taken as already committed. " seven" starts 0.05 s before.
        assertEquals(List.of(" seven"), texts(hb.inserted()));
    }

    @ParameterizedTest(name = "{0}-gram")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void removesAnNgramRepeatOfTheCommittedTail(int n) {
        HypothesisBuffer hb = committedSix();
        List<Word> hyp = new ArrayList<>();
        // Re-transcribed committed words whose timestamps drifted late enough to pass the 0.1 s filter.
        for (int i = 0; i < n; i++) {
            hyp.add(w(SIX[SIX.length - n + i], 5.92 + i * 0.01, 5.93 + i * 0.01));
        }
        hyp.add(w(" seven", 6.0, 6.5));
        hyp.add(w(" eight", 6.5, 7.0));
        hb.insert(hyp, 0);
        assertEquals(List.of(" seven", " eight"), texts(hb.inserted()));
    }

    @Test
    void comparesAtMostFiveWords() {
        HypothesisBuffer hb = committedSix();
        List<Word> hyp = new ArrayList<>();
        for (int i = 0; i < SIX.length; i++) {
            hyp.add(w(SIX[i], 5.91 + i * 0.01, 5.92 + i * 0.01));
        }
        hb.insert(hyp, 0);
        assertEquals(List.of(SIX), texts(hb.inserted()));
    }

    @Test
    void theShortestMatchingNgramWins() {
        HypothesisBuffer hb = new HypothesisBuffer(false);
        List<Word> first = List.of(w(" a", 0, 1), w(" b", 1, 2), w(" a", 2, 3));
        hb.insert(first, 0);
        hb.flush();
        hb.insert(first, 0);
        assertEquals(3, hb.flush().size());
        hb.insert(List.of(w(" a", 2.95, 2.96), w(" b", 2.96, 2.97), w(" a", 2.97, 2.98), w(" c", 3, 4)), 0);
        assertEquals(List.of(" b", " a", " c"), texts(hb.inserted()));
    }

    @Test
    void ngramRemovalOnlyWhenTheHypothesisStartsWithinOneSecondOfTheCommittedEnd() {
        HypothesisBuffer near = committedSix();
        near.insert(List.of(w(" six", 6.95, 7.2), w(" seven", 7.2, 7.5)), 0);
        assertEquals(List.of(" seven"), texts(near.inserted()));

        // One second or more after the committed end, a repeated word is taken as really said again ("six six").
        HypothesisBuffer far = committedSix();
        far.insert(List.of(w(" six", 7.0, 7.2), w(" seven", 7.2, 7.5)), 0);
        assertEquals(List.of(" six", " seven"), texts(far.inserted()));
    }

    @Test
    void ngramRemovalNeedsCommittedWordsInTheBuffer() {
        HypothesisBuffer hb = committedSix();
        assertEquals(List.of(SIX), texts(hb.popCommitted(6.0)));
        hb.insert(List.of(w(" six", 5.95, 6.2), w(" seven", 6.2, 6.5)), 0);
        assertEquals(List.of(" six", " seven"), texts(hb.inserted()));
    }

    @Test
    void popCommittedDropsWordsEndingAtOrBeforeTheTime() {
        HypothesisBuffer hb = committedSix();
        assertEquals(List.of(), hb.popCommitted(0.99));
        assertEquals(List.of(" one", " two"), texts(hb.popCommitted(2.0)));
        assertEquals(List.of(" three", " four", " five", " six"), texts(hb.committedInBuffer()));
        assertEquals(6.0, hb.lastCommittedTime());
    }

    @Test
    void confidenceValidationCommitsAConfidentWordWithoutAgreement() {
        HypothesisBuffer plain = new HypothesisBuffer(false);
        HypothesisBuffer validating = new HypothesisBuffer(true);
        List<Word> hyp = List.of(w(" Hello", 0, 0.5, 0.99), w(" world", 0.5, 1.0, 0.6));
        plain.insert(hyp, 0);
        validating.insert(hyp, 0);
        assertEquals(List.of(), plain.flush());
        assertEquals(List.of(" Hello"), texts(validating.flush()));
        assertEquals(List.of(" world"), texts(validating.complete()));
        assertEquals(0.5, validating.lastCommittedTime());
    }

    @Test
    void aConfidentWordConsumesThePreviousHypothesisWordAtItsPosition() {
        HypothesisBuffer hb = new HypothesisBuffer(true);
        hb.insert(List.of(w(" Hullo", 0, 0.5, 0.4), w(" world", 0.5, 1.0, 0.6)), 0);
        hb.flush();
        hb.insert(List.of(w(" Hello", 0, 0.5, 0.96), w(" world", 0.5, 1.0, 0.6), w(" again", 1, 1.5, 0.5)), 0);
        assertEquals(List.of(" Hello", " world"), texts(hb.flush()));
        assertEquals(List.of(" again"), texts(hb.complete()));
    }

    @Test
    void probabilityAtTheThresholdOrUnknownNeedsAgreement() {
        HypothesisBuffer hb = new HypothesisBuffer(true);
        hb.insert(List.of(w(" a", 0, 0.5, 0.95), w(" b", 0.5, 1.0)), 0);
        assertEquals(List.of(), hb.flush());
        assertTrue(Double.isNaN(hb.complete().get(1).probability()));
    }

    @Test
    void clearEmptiesEverythingAndReturnsTheCommittedWords() {
        HypothesisBuffer hb = committedSix();
        hb.insert(List.of(w(" seven", 6, 7)), 0);
        hb.flush();
        assertEquals(List.of(SIX), texts(hb.clear(10.0)));
        assertEquals(List.of(), hb.complete());
        assertEquals(List.of(), hb.committedInBuffer());
        assertEquals(10.0, hb.lastCommittedTime());
    }
}
