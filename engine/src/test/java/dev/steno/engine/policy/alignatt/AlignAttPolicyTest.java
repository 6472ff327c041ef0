package dev.steno.engine.policy.alignatt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.transcript.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact outputs of each AlignAtt stop rule against a scripted model (no weights). */
class AlignAttPolicyTest {
    private static final double EPS = 1e-9;

    private static ScriptedAlignAttModel model() {
        return new ScriptedAlignAttModel(" Hello", " big", " world", " again", " more", " one", " two", " three",
                " so", " la", " a", " b", " c", " d", " un", " caf", " x", " s", " p", " q", " y");
    }

    private static AlignAttPolicy policy(ScriptedAlignAttModel m, AlignAttConfig.Builder config) {
        return new AlignAttPolicy(m, config.language("en").build());
    }

    private static void feed(AlignAttPolicy p, double seconds) {
        p.insertAudio(new float[(int) Math.round(seconds * 16000)]);
    }

    private static void assertWords(List<Word> actual, Object... textStartEnd) {
        assertEquals(textStartEnd.length / 3, actual.size(), () -> "words " + actual);
        for (int i = 0; i < actual.size(); i++) {
            Word w = actual.get(i);
            assertEquals(textStartEnd[3 * i], w.text(), "text of word " + i);
            assertEquals((Double) textStartEnd[3 * i + 1], w.start(), EPS, "start of " + w);
            assertEquals((Double) textStartEnd[3 * i + 2], w.end(), EPS, "end of " + w);
        }
    }

    @Test
    void frameThresholdStopsAndTheLastWordWaits() {
        ScriptedAlignAttModel m = model();
        // 2 s = 100 frames; " again" attends to frame 80, 20 <= 25 frames from the end: not emitted
        m.then(" Hello", 10, " big", 30, " world", 60, " again", 80, " more", 90);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder());
        feed(p, 2);
        PolicyStep step = p.process();
        assertWords(step.committed(), " Hello", 0.2, 0.6, " big", 0.6, 1.2);
        assertWords(step.tentative(), " world", 1.2, 1.3);
        assertEquals(AlignAttPolicy.Stop.FRAME_THRESHOLD, p.lastStep().stop());
        // the decoder saw the start sequence, then the task tokens, then one token per emitted token
        List<int[]> feeds = m.feeds.getFirst();
        assertArrayEquals(new int[] {m.sot()}, feeds.get(0));
        assertArrayEquals(new int[] {m.langEn(), m.transcribeToken(), m.noTimestamps()}, feeds.get(1));
        assertEquals(2 + 3, feeds.size(), "Hello, big, world fed back; again never fed");
        assertEquals(1.2, p.committedEndSeconds(), EPS);
    }

    @Test
    void endOfTextStopsAndCommittedTokensArePrefilledNextStep() {
        ScriptedAlignAttModel m = model();
        m.then(" Hello", 10, " big", 30, " world", 60, " again", 80);
        m.then(" world", 60, " again", 80, " more", 110);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder());
        feed(p, 2);
        p.process();
        feed(p, 1);
        PolicyStep step = p.process();
        assertWords(step.committed(), " world", 1.2, 1.6, " again", 1.6, 2.2);
        assertWords(step.tentative(), " more", 2.2, 2.3);
        assertEquals(AlignAttPolicy.Stop.END_OF_TEXT, p.lastStep().stop());
        assertEquals(1 + 5, p.lastStep().prefixTokens(), "start token; task tokens and two committed tokens");
        assertEquals(3, p.lastStep().newTokens());
        assertArrayEquals(new int[] {m.langEn(), m.transcribeToken(), m.noTimestamps(), m.id(" Hello"), m.id(" big")},
                m.feeds.get(1).get(1), "committed tokens follow the task tokens in one batched feed");
    }

    @Test
    void neverFireCommitsTheLastWordAtOnce() {
        ScriptedAlignAttModel m = model();
        m.then(" Hello", 10, " big", 30, " world", 60, " again", 80);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().neverFire(true));
        feed(p, 2);
        PolicyStep step = p.process();
        assertWords(step.committed(), " Hello", 0.2, 0.6, " big", 0.6, 1.2, " world", 1.2, 1.3);
        assertTrue(step.tentative().isEmpty());
    }

    @Test
    void finishUsesFrameThresholdFourAndKeepsTheLastWord() {
        ScriptedAlignAttModel m = model();
        // 100 frames: 94 is 6 from the end (kept at the end of an utterance), 97 is 3 (dropped)
        m.then(" Hello", 10, " big", 30, " world", 60, " again", 94, " more", 97);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder());
        feed(p, 2);
        PolicyStep step = p.finish();
        assertWords(step.committed(), " Hello", 0.2, 0.6, " big", 0.6, 1.2, " world", 1.2, 1.88,
                " again", 1.88, 1.98);
        assertTrue(step.tentative().isEmpty());
        assertEquals(0, p.bufferedSeconds());
        assertEquals(2.0, p.bufferStartSeconds(), EPS);
        assertEquals(2.0, p.committedEndSeconds(), EPS);
    }

    @Test
    void attentionJumpingBackRewindsTheStep() {
        ScriptedAlignAttModel m = model();
        // 8 s = 400 frames: " two" attends 230 frames before " one" (> 200): the step's output is dropped
        m.then(" one", 250, " two", 20, " three", 300);
        m.then(" one", 250, " two", 270, " three", 300);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder());
        feed(p, 8);
        PolicyStep first = p.process();
        assertTrue(first.committed().isEmpty(), () -> "rewound " + first);
        assertTrue(first.tentative().isEmpty());
        assertEquals(AlignAttPolicy.Stop.REWIND, p.lastStep().stop());
        feed(p, 0.5);
        PolicyStep second = p.process();
        assertWords(second.committed(), " one", 5.0, 5.4, " two", 5.4, 6.0);
        assertWords(second.tentative(), " three", 6.0, 6.1);
    }

    @Test
    void attentionMovingBackLessThanTheRewindThresholdIsAccepted() {
        ScriptedAlignAttModel m = model();
        m.then(" one", 250, " two", 60, " three", 300);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder());
        feed(p, 8);
        PolicyStep step = p.process();
        // 190 frames back: no rewind; times are clamped to stay monotone
        assertWords(step.committed(), " one", 5.0, 5.02, " two", 5.02, 6.0);
    }

    @Test
    void repeatedWordEndsTheStepAndIsNotCommitted() {
        ScriptedAlignAttModel m = model();
        m.then(" so", 5, " la", 15, " la", 25, " la", 35, " la", 45, " more", 60);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().neverFire(true));
        feed(p, 2);
        PolicyStep step = p.process();
        // the cut copies are gone before words are timed: " la" is the last word, 0.1 s long
        assertWords(step.committed(), " so", 0.1, 0.3, " la", 0.3, 0.4);
        assertEquals(2 + 3, m.feeds.getFirst().size(), "decoding stopped at the third copy");
        assertEquals(AlignAttPolicy.Stop.LOOP, p.lastStep().stop());
    }

    @Test
    void repeatedBigramEndsTheStep() {
        ScriptedAlignAttModel m = model();
        m.then(" a", 5, " b", 15, " a", 25, " b", 35, " a", 45, " b", 55, " c", 65);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().neverFire(true));
        feed(p, 2);
        PolicyStep step = p.process();
        assertWords(step.committed(), " a", 0.1, 0.3, " b", 0.3, 0.4);
    }

    @Test
    void loopGuardCountsCommittedTokensButNeverTakesThemBack() {
        assertEquals(0, AlignAttPolicy.repetitionCut(new int[] {7, 7, 7}, 3, 2), "the copy before is committed");
        assertEquals(1, AlignAttPolicy.repetitionCut(new int[] {7, 7, 7}, 3, 0));
        assertEquals(-1, AlignAttPolicy.repetitionCut(new int[] {7, 7, 8}, 3, 0));
        assertEquals(2, AlignAttPolicy.repetitionCut(new int[] {1, 2, 1, 2, 1, 2}, 6, 0));
        assertEquals(-1, AlignAttPolicy.repetitionCut(new int[] {1, 2, 1, 2}, 4, 0), "two copies are speech");
    }

    @Test
    void incompleteUtf8IsHeldBackUntilCompleted() {
        ScriptedAlignAttModel m = model();
        // "é" is two byte tokens; the first step ends between them
        m.then(" un", 10, " caf", 30, 0xC3, 40, 0xA9, 80);
        m.then(0xC3, 40, 0xA9, 47, " x", 60);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().neverFire(true));
        feed(p, 2);
        PolicyStep first = p.process();
        assertWords(first.committed(), " un", 0.2, 0.6, " caf", 0.6, 0.7);
        feed(p, 1);
        PolicyStep second = p.process();
        assertWords(second.committed(), "é", 0.8, 1.2, " x", 1.2, 1.3);
        int[] prefix = m.feeds.get(1).get(1);
        assertArrayEquals(new int[] {m.langEn(), m.transcribeToken(), m.noTimestamps(), m.id(" un"), m.id(" caf")},
                prefix, "the held-back lead byte is not part of the committed prefix");
    }

    @Test
    void audioBeyondMaxLenScrollsItsWordsIntoTheContextAndShiftsTimes() {
        ScriptedAlignAttModel m = model();
        m.then(" a", 10, " b", 50, " c", 70);
        // after 1 s is dropped, frame 20 of the window is 1.4 s in the stream
        m.then(" c", 20, " d", 60);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().audioMaxLenSeconds(2));
        feed(p, 2);
        PolicyStep first = p.process();
        assertWords(first.committed(), " a", 0.2, 1.0, " b", 1.0, 1.4);
        feed(p, 1);
        PolicyStep second = p.process();
        assertEquals(1.0, p.bufferStartSeconds(), EPS);
        assertEquals(2.0, p.bufferedSeconds(), EPS);
        assertWords(second.committed(), " c", 1.4, 2.2);
        assertWords(second.tentative(), " d", 2.2, 2.3);
        List<int[]> feeds = m.feeds.get(1);
        assertArrayEquals(new int[] {m.startOfPrev(), m.id(" a"), m.sot()}, feeds.get(0), "' a' scrolled out");
        assertArrayEquals(new int[] {m.langEn(), m.transcribeToken(), m.noTimestamps(), m.id(" b")}, feeds.get(1),
                "' b' starts at the new window start and stays");
        assertEquals(2 * 16000, m.encodedLengths.get(1), "the encoder sees only the window");
    }

    @Test
    void staticPromptIsNeverTrimmedScrollingContextIs() {
        ScriptedAlignAttModel m = model();
        m.then(" a", 10, " b", 50, " c", 70);
        m.then(" c", 20, " d", 60);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().audioMaxLenSeconds(2).staticInitPrompt("s")
                .initPrompt("p q").maxContextTokens(2));
        feed(p, 2);
        p.process();
        assertArrayEquals(new int[] {m.startOfPrev(), m.id(" s"), m.id(" p"), m.id(" q"), m.sot()},
                m.feeds.get(0).get(0));
        feed(p, 1);
        p.process();
        assertArrayEquals(new int[] {m.startOfPrev(), m.id(" s"), m.id(" q"), m.id(" a"), m.sot()},
                m.feeds.get(1).get(0), "the oldest scrolling token made room; the static prompt stayed");
    }

    @Test
    void noSpeechEmitsNothing() {
        ScriptedAlignAttModel m = model();
        m.thenNoSpeech(" Hello", 10, " big", 30, " world", 60);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder());
        feed(p, 2);
        PolicyStep step = p.process();
        assertTrue(step.committed().isEmpty());
        assertTrue(step.tentative().isEmpty());
        assertEquals(1, m.feeds.getFirst().size(), "stopped after the start token");
        assertEquals(AlignAttPolicy.Stop.NO_SPEECH, p.lastStep().stop());
    }

    @Test
    void tooLittleNewAudioSkipsTheStep() {
        ScriptedAlignAttModel m = model();
        m.then(" Hello", 10, " big", 30, " world", 60);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().minChunkSeconds(1.0));
        feed(p, 0.5);
        assertTrue(p.process().committed().isEmpty());
        assertTrue(m.encodedLengths.isEmpty(), "no encoder call for half a second");
        assertEquals(AlignAttPolicy.Stop.SKIPPED, p.lastStep().stop());
        feed(p, 1.5);
        assertWords(p.process().committed(), " Hello", 0.2, 0.6, " big", 0.6, 1.2);
        assertEquals(List.of(32000), m.encodedLengths);
    }

    @Test
    void shortWindowBelowAudioMinLenDecodesNothing() {
        ScriptedAlignAttModel m = model();
        m.then(" Hello", 10);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder().audioMinLenSeconds(1.0));
        feed(p, 0.5);
        assertTrue(p.process().committed().isEmpty());
        assertTrue(m.encodedLengths.isEmpty());
        assertEquals(1, m.stepsLeft());
        assertEquals(AlignAttPolicy.Stop.TOO_SHORT, p.lastStep().stop());
    }

    @Test
    void resetStartsANewWindowAtTheGivenTime() {
        ScriptedAlignAttModel m = model();
        m.then(" Hello", 10, " big", 30, " world", 60);
        m.then(" again", 10, " more", 30, " one", 60);
        AlignAttPolicy p = policy(m, AlignAttConfig.builder());
        feed(p, 2);
        p.process();
        p.reset(10.0);
        assertEquals(10.0, p.bufferStartSeconds(), EPS);
        feed(p, 2);
        PolicyStep step = p.process();
        assertWords(step.committed(), " again", 10.2, 10.6, " more", 10.6, 11.2);
        assertArrayEquals(new int[] {m.startOfPrev(), m.id(" Hello"), m.id(" big"), m.sot()}, m.feeds.get(1).get(0),
                "text committed before the reset is prompt context");
    }

    @Test
    void staticPromptLongerThanHalfTheContextIsRefused() {
        ScriptedAlignAttModel m = model();
        String longPrompt = " s".repeat(300);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> policy(m, AlignAttConfig.builder().staticInitPrompt(longPrompt)));
        assertTrue(e.getMessage().contains("static init prompt"), e.getMessage());
    }
}
