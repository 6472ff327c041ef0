package dev.steno.engine.whisper;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenWordsTest {
    private static final List<String> TOKENS = List.of(" Hello", " wor", "ld", ",", " there");

    private static void assertWord(String text, double start, double end, Word w) {
        assertEquals(text, w.text());
        assertEquals(start, w.start(), 1e-9, text + " start");
        assertEquals(end, w.end(), 1e-9, text + " end");
    }

    @Test
    void splitsOnSpacesAndMergesClosingPunctuation() {
        List<TokenWords.WordSpan> spans = TokenWords.split(TOKENS);
        assertEquals(List.of(
                new TokenWords.WordSpan(" Hello", 0, 1, 0, 1),
                new TokenWords.WordSpan(" world,", 1, 4, 1, 3),
                new TokenWords.WordSpan(" there", 4, 5, 4, 5)), spans);
    }

    @Test
    void openingPunctuationJoinsTheFollowingWord() {
        List<TokenWords.WordSpan> spans = TokenWords.split(List.of(" I", " (", " really", ")", " do", "."));
        assertEquals(List.of(
                new TokenWords.WordSpan(" I", 0, 1, 0, 1),
                new TokenWords.WordSpan(" ( really)", 1, 4, 2, 3),
                new TokenWords.WordSpan(" do.", 4, 6, 4, 5)), spans);
        // first token without a space still starts a word; a blank token joins the next word as OpenAI does (its
        // stripped text "" counts as opening punctuation), so the text still concatenates back exactly
        assertEquals(List.of(new TokenWords.WordSpan("Hi", 0, 1, 0, 1), new TokenWords.WordSpan("  you", 1, 3, 2, 3)),
                TokenWords.split(List.of("Hi", " ", " you")));
        assertEquals(List.of(), TokenWords.split(List.of()));
    }

    @Test
    void dtwTimingsGiveWordStartsAndEnds() {
        List<TokenTiming> timings = List.of(
                new TokenTiming(0, 0.00, 0.30), new TokenTiming(1, 0.30, 0.50), new TokenTiming(2, 0.50, 0.70),
                new TokenTiming(3, 0.70, 0.80), new TokenTiming(4, 0.80, 1.20),
                new TokenTiming(5, 1.20, 1.40)); // end-of-text row: ignored
        double[] p = {0.9, 0.6, 0.8, 0.5, 1.0};
        List<Word> words = TokenWords.fromTokenTimings(TOKENS, timings, p);
        assertEquals(3, words.size());
        assertWord(" Hello", 0.0, 0.3, words.get(0));
        // the comma adds its text, not its time or probability (OpenAI merge_punctuations)
        assertWord(" world,", 0.3, 0.7, words.get(1));
        assertWord(" there", 0.8, 1.2, words.get(2));
        assertEquals(0.9, words.get(0).probability(), 1e-12);
        assertEquals(0.7, words.get(1).probability(), 1e-12);
        assertEquals(" Hello world, there", Words.rawText(words));
        assertTrue(Double.isNaN(TokenWords.fromTokenTimings(TOKENS, timings, null).get(0).probability()));
        assertThrows(IllegalArgumentException.class,
                () -> TokenWords.fromTokenTimings(TOKENS, timings.subList(0, 3), null));
    }

    @Test
    void dtwPipelineEndToEnd() {
        // token i attends to frames [10 i, 10 i + 10): starts come out at 10 i frames = 0.2 i s after the offset
        int tokens = TOKENS.size() + 1; // plus end-of-text
        float[][][] w = new float[2][tokens][60];
        for (float[][] head : w) {
            for (int t = 0; t < tokens; t++) {
                for (int f = 0; f < 60; f++) {
                    head[t][f] = f / 10 == t ? 0.1f : 0.001f;
                }
            }
        }
        float[][] m = CrossAttentionAlignment.alignmentMatrix(w, 60);
        List<Word> words = TokenWords.fromTokenTimings(TOKENS, CrossAttentionAlignment.tokenTimings(m, 5.0), null);
        assertWord(" Hello", 5.0, 5.2, words.get(0));
        assertWord(" world,", 5.2, 5.6, words.get(1));
        assertWord(" there", 5.8, 6.0, words.get(2));
    }

    @Test
    void alignAttRuleWithMinimumDuration() {
        // token times 1.2, 1.6, 1.7, 1.72, 1.58: attention moved backwards for " there"
        int[] frames = {10, 30, 35, 36, 29};
        List<Word> words = TokenWords.alignAtt(TOKENS, frames, 1.0, null);
        assertEquals(3, words.size());
        assertWord(" Hello", 1.2, 1.6, words.get(0));   // ends where the next word starts
        assertWord(" world,", 1.6, 1.62, words.get(1)); // next start is earlier: minimum 0.02 s
        assertWord(" there", 1.58, 1.68, words.get(2)); // last word: 0.1 s
    }

    @Test
    void alignAttSameFrameStillLastsTwentyMilliseconds() {
        List<Word> words = TokenWords.alignAtt(List.of(" a", " b"), new int[]{7, 7}, 0.0, new double[]{0.5, 0.25});
        assertWord(" a", 0.14, 0.16, words.get(0));
        assertWord(" b", 0.14, 0.24, words.get(1));
        assertEquals(0.25, words.get(1).probability(), 1e-12);
    }
}
