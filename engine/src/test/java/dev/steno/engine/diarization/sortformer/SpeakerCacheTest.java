package dev.steno.engine.diarization.sortformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SpeakerCacheTest {
    private static final double NEG = Double.NEGATIVE_INFINITY;

    /** Frames whose embedding's first value is the frame number (so a kept frame is recognisable). */
    private static float[] embeddings(int frames) {
        float[] e = new float[frames * 512];
        for (int f = 0; f < frames; f++) {
            e[f * 512] = f + 1;
            e[f * 512 + 1] = 100;
        }
        return e;
    }

    private static float[] preds(float[]... rows) {
        float[] p = new float[rows.length * 4];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, p, i * 4, 4);
        }
        return p;
    }

    private static float[] row(double a, double b, double c, double d) {
        return new float[] {(float) a, (float) b, (float) c, (float) d};
    }

    private static float[] silenceEmbedding() {
        float[] s = new float[512];
        Arrays.fill(s, -7f);
        return s;
    }

    /** Frame number per slot (0 for a silence or empty slot, whose embedding must be the silence embedding). */
    private static int[] layout(SpeakerCache cache, float[] silence) {
        int[] out = new int[cache.length()];
        float[] e = cache.embeddings();
        for (int i = 0; i < out.length; i++) {
            if (e[i * 512] == silence[0]) {
                assertArrayEquals(silence, Arrays.copyOfRange(e, i * 512, i * 512 + 512), "slot " + i);
                assertArrayEquals(new float[4], Arrays.copyOfRange(cache.predictions(), i * 4, i * 4 + 4),
                        "a silence slot has zero predictions");
                out[i] = 0;
            } else {
                out[i] = (int) e[i * 512];
            }
        }
        return out;
    }

    @Test
    void scoreRewardsASpeakerSpeakingAlone() {
        double[] s = new double[8];
        SpeakerCache.logPredScores(preds(row(0.9, 0.1, 0.1, 0.1), row(0.9, 0.9, 0, 0)), 2, s);
        // alone: ln .9 - ln .25 + (ln .25 + 3 ln .9) - ln .5 = 4 ln .9 + ln 2
        assertEquals(4 * Math.log(0.9f) + Math.log(2), s[0], 1e-6);
        // a silent speaker on that frame: ln .25 - ln .9 + (ln .25 + 3 ln .9) + ln 2
        assertEquals(2 * Math.log(0.25) + 2 * Math.log(0.9f) + Math.log(2), s[1], 1e-6);
        // overlap of two: ln .9 - ln .25 + (2 ln .25 + 2 ln 1) + ln 2 < 0
        assertEquals(Math.log(0.9f) + Math.log(0.25) + Math.log(2), s[4], 1e-6);
        assertTrue(s[4] < 0 && s[0] > 0);
    }

    @Test
    void nonSpeechIsDisabledAndOverlapOnlyForSpeakersWithEnoughClearFrames() {
        float[] p = preds(row(0.9, 0.5, 0.1, 0.6), row(0.9, 0.9, 0.1, 0.1), row(0.9, 0.1, 0.1, 0.1),
                row(0.2, 0.9, 0.1, 0.1), row(0.9, 0.1, 0.1, 0.1));
        double[] s = new double[20];
        SpeakerCache.logPredScores(p, 5, s);
        double[] before = s.clone();
        SpeakerCache.disableLowScores(p, s, 5, 2);
        // p <= 0.5 is not speech: speaker 1 at frame 0 (exactly 0.5), speaker 2 everywhere, speaker 0 at frame 3
        assertEquals(NEG, s[1]);
        for (int f = 0; f < 5; f++) {
            assertEquals(NEG, s[f * 4 + 2]);
        }
        assertEquals(NEG, s[12]);
        // speaker 0 has 2 positive frames (2 and 4; 2 is enough): its overlapped frames 0 and 1 go
        assertTrue(before[0] <= 0 && before[4] <= 0 && before[8] > 0 && before[16] > 0);
        assertEquals(NEG, s[0]);
        assertEquals(NEG, s[4]);
        assertEquals(before[8], s[8]);
        assertEquals(before[16], s[16]);
        // speaker 1 has one positive frame (3): below the minimum, so its overlapped frame 1 keeps its score
        assertTrue(before[13] > 0);
        assertEquals(before[5], s[5]);
        // speaker 3's only speech frame (0.6 with speaker 0 also on) stays as it is
        assertEquals(before[3], s[3]);
    }

    @Test
    void latestFramesAreBoosted() {
        double[] s = {1, 1, 1, 1, 2, 2, NEG, 2};
        SpeakerCache.boostFrom(s, 2, 1, SpeakerCache.BOOST_LATEST);
        assertArrayEquals(new double[] {1, 1, 1, 1, 2.05, 2.05, NEG, 2.05}, s, 1e-12);
    }

    @Test
    void topKBoostsStrongThenWeakPerSpeakerAndLeaveMinusInfinity() {
        // speaker 0 column: 5, 3, 4, -inf, 1, 4 ; other speakers -inf
        double[] col = {5, 3, 4, NEG, 1, 4};
        double[] s = new double[col.length * 4];
        Arrays.fill(s, NEG);
        for (int f = 0; f < col.length; f++) {
            s[f * 4] = col[f];
        }
        double[] scratch = new double[64];
        SpeakerCache.boostTopK(s, 6, 2, SpeakerCache.STRONG_BOOST, scratch);
        // top 2: 5 (frame 0) and the earlier of the tied 4s (frame 2)
        SpeakerCache.boostTopK(s, 6, 4, SpeakerCache.WEAK_BOOST, scratch);
        double l2 = Math.log(2);
        assertArrayEquals(new double[] {5 + 3 * l2, 3 + l2, 4 + 3 * l2, NEG, 1, 4 + l2},
                new double[] {s[0], s[4], s[8], s[12], s[16], s[20]}, 1e-12);
        for (int f = 0; f < 6; f++) {
            assertEquals(NEG, s[f * 4 + 1], "-inf stays -inf when boosted");
        }
    }

    @Test
    void selectionKeepsPlaceholdersGroupsBySpeakerAndPutsEmptySlotsLast() {
        // 3 frames; speaker 0 speaks in frames 0 and 2, speaker 2 in frame 1; capacity 16 = 12 placeholders + 4
        double[] s = new double[12];
        Arrays.fill(s, NEG);
        s[0] = 1;
        s[8] = 3;
        s[6] = 2;
        int[] kept = new int[16];
        SpeakerCache.select(s, 3, 16, kept, new double[64]);
        // speaker 0: frames 0, 2, its 3 silence slots; speaker 1: 3 silence; speaker 2: frame 1, 3 silence;
        // speaker 3: 3 silence; one slot left, filled by a -inf score: empty, at the end
        assertArrayEquals(new int[] {0, 2, -1, -1, -1, -1, -1, -1, 1, -1, -1, -1, -1, -1, -1, -1}, kept);
    }

    @Test
    void compressionKeepsTheLatestAndEarliestOfEqualFramesWithinTheBudget() {
        // capacity 24: K = 24/4 - 3 = 3; strong top 2, weak top 4, min positive 1
        SpeakerCache cache = new SpeakerCache(24, 16);
        float[][] rows = new float[30][];
        Arrays.fill(rows, row(0.9, 0.1, 0.1, 0.1));
        cache.append(embeddings(30), 0, preds(rows), 0, 24);
        assertFalse(cache.compress(silenceEmbedding()), "no compression at capacity");
        cache.append(embeddings(30), 24 * 512, preds(rows), 24 * 4, 6);
        float[] silence = silenceEmbedding();
        assertTrue(cache.compress(silence));
        assertEquals(24, cache.length());
        // 12 placeholder slots + 12 frames of speaker 0: the 6 newest (+0.05) and, of the equal rest, the earliest
        int[] want = new int[24];
        for (int i = 0; i < 6; i++) {
            want[i] = i + 1;
            want[6 + i] = 25 + i;
        }
        assertArrayEquals(want, layout(cache, silence));
        assertArrayEquals(row(0.9, 0.1, 0.1, 0.1), Arrays.copyOfRange(cache.predictions(), 0, 4));
    }

    @Test
    void compressionGivesEachSpeakerItsBudgetAndKeepsTimeOrder() {
        // capacity 28: K = 4, strong top 3, weak top 6, min positive 2. Speaker 0 speaks frames 0-19 with rising
        // confidence, speaker 1 frames 20-27; frames 28-31 are silence
        SpeakerCache cache = new SpeakerCache(28, 8);
        float[][] rows = new float[32][];
        for (int f = 0; f < 32; f++) {
            rows[f] = f < 20 ? row(0.6 + 0.015 * f, 0.1, 0, 0) : f < 28 ? row(0.1, 0.7, 0, 0) : row(0, 0, 0, 0);
        }
        cache.append(embeddings(32), 0, preds(rows), 0, 32);
        float[] silence = silenceEmbedding();
        cache.compress(silence);
        int[] got = layout(cache, silence);
        // 16 slots for frames: speaker 0's best 6 are boosted (14..19), speaker 1's first 6 boosted (ties: earliest);
        // the 4 left go to the highest unboosted scores: speaker 0's frames 10..13 beat speaker 1's 0.7 frames
        int[] want = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 0, 0, 0, 21, 22, 23, 24, 25, 26, 0, 0, 0, 0, 0, 0, 0,
            0, 0};
        assertArrayEquals(want, got);
    }

    @Test
    void overlappedFrameCanServeTwoSpeakers() {
        // capacity 24: K = 3, min positive 1. 25 frames: only frame 24 has speech, both speakers 0 and 1, neither with
        // a clear frame, so the overlapped frame keeps its (negative) score and serves both
        SpeakerCache cache = new SpeakerCache(24, 4);
        float[][] rows = new float[25][];
        Arrays.fill(rows, row(0, 0, 0, 0));
        rows[24] = row(0.9, 0.8, 0, 0);
        cache.append(embeddings(25), 0, preds(rows), 0, 25);
        float[] silence = silenceEmbedding();
        cache.compress(silence);
        int[] want = new int[24];
        want[0] = 25;
        want[4] = 25;
        assertArrayEquals(want, layout(cache, silence));
        assertArrayEquals(row(0.9, 0.8, 0, 0), Arrays.copyOfRange(cache.predictions(), 16, 20));
    }

    @Test
    void appendingPastTheWorkingRoomIsABug() {
        SpeakerCache cache = new SpeakerCache(16, 4);
        assertThrows(IllegalStateException.class, () -> cache.append(embeddings(21), 0, new float[84], 0, 21));
        assertThrows(IllegalArgumentException.class, () -> new SpeakerCache(15, 4));
    }
}
