package dev.steno.engine.whisper;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossAttentionAlignmentTest {
    private static final int TOKENS = 8;
    private static final int CONTENT = 200;
    private static final int PADDED = 300;
    private static final int[] CENTRES = {12, 30, 52, 70, 95, 120, 140, 170};

    /**
     * Three heads whose attention is a Gaussian bump around each token's centre (different widths, noise), one head
     * attending at random; rows sum to 1 like a softmax. Past the content each token attends strongly to its own
     * stretch of padding, to prove the cut.
     */
    private static float[][][] syntheticAttention(long seed) {
        Random rnd = new Random(seed);
        double[] sigmas = {4, 6, 5};
        float[][][] w = new float[4][TOKENS][PADDED];
        for (int h = 0; h < 4; h++) {
            for (int t = 0; t < TOKENS; t++) {
                float[] row = w[h][t];
                double sum = 0;
                for (int f = 0; f < PADDED; f++) {
                    double v;
                    if (f >= CONTENT) {
                        v = (f - CONTENT) / 10 == t ? 5.0 : 0.01;
                    } else if (h == 3) {
                        v = rnd.nextDouble();
                    } else {
                        double d = (f - CENTRES[t]) / sigmas[h];
                        v = Math.exp(-0.5 * d * d) + 0.05 * rnd.nextDouble();
                    }
                    row[f] = (float) v;
                    sum += v;
                }
                for (int f = 0; f < PADDED; f++) {
                    row[f] /= (float) sum;
                }
            }
        }
        return w;
    }

    @Test
    void dtwFindsTokenBoundariesWithinOneFrame() {
        for (long seed = 1; seed <= 5; seed++) {
            float[][] m = CrossAttentionAlignment.alignmentMatrix(syntheticAttention(seed), CONTENT);
            assertEquals(TOKENS, m.length);
            assertEquals(CONTENT, m[0].length);
            int[] starts = CrossAttentionAlignment.dtw(m).tokenStartFrames();
            assertEquals(TOKENS, starts.length);
            assertEquals(0, starts[0]);
            for (int t = 1; t < TOKENS; t++) {
                double boundary = (CENTRES[t - 1] + CENTRES[t]) / 2.0;
                assertTrue(Math.abs(starts[t] - boundary) <= 1.0,
                        "seed " + seed + " token " + t + " starts at " + starts[t] + ", expected ~" + boundary);
            }
            List<TokenTiming> timings = CrossAttentionAlignment.tokenTimings(m, 3.0);
            assertEquals(TOKENS, timings.size());
            for (int t = 0; t < TOKENS; t++) {
                TokenTiming tt = timings.get(t);
                assertEquals(t, tt.token());
                assertEquals(3.0 + starts[t] * 0.02, tt.start(), 1e-9);
                double end = t + 1 < TOKENS ? 3.0 + starts[t + 1] * 0.02 : 3.0 + CONTENT * 0.02;
                assertEquals(end, tt.end(), 1e-9);
            }
            // z-scores saturate at sqrt(tokens - 1) wherever one token dominates, so the peak is anywhere inside the
            // token's own stretch, not necessarily at the bump's centre: check it is nearer its centre than any other
            for (int t = 0; t < TOKENS; t++) {
                assertTrue(inOwnStretch(CrossAttentionAlignment.mostAttendedFrame(m, t), t),
                        "most attended frame of token " + t);
            }
        }
    }

    private static boolean inOwnStretch(int frame, int token) {
        double lo = token == 0 ? 0 : (CENTRES[token - 1] + CENTRES[token]) / 2.0;
        double hi = token == TOKENS - 1 ? CONTENT : (CENTRES[token] + CENTRES[token + 1]) / 2.0;
        return frame >= lo && frame <= hi;
    }

    @Test
    void dtwPathIsMonotonicAndCoversTheMatrix() {
        Random rnd = new Random(42);
        int[][] shapes = {{1, 1}, {1, 9}, {9, 1}, {5, 5}, {20, 7}, {7, 40}, {30, 300}};
        for (int[] shape : shapes) {
            float[][] m = new float[shape[0]][shape[1]];
            for (float[] row : m) {
                for (int f = 0; f < row.length; f++) {
                    row[f] = (float) rnd.nextGaussian();
                }
            }
            CrossAttentionAlignment.DtwPath p = CrossAttentionAlignment.dtw(m);
            assertEquals(0, p.tokens()[0]);
            assertEquals(0, p.frames()[0]);
            assertEquals(shape[0] - 1, p.tokens()[p.length() - 1]);
            assertEquals(shape[1] - 1, p.frames()[p.length() - 1]);
            for (int k = 1; k < p.length(); k++) {
                int dt = p.tokens()[k] - p.tokens()[k - 1];
                int df = p.frames()[k] - p.frames()[k - 1];
                assertTrue(dt >= 0 && dt <= 1 && df >= 0 && df <= 1 && dt + df >= 1, Arrays.toString(shape));
            }
            int[] starts = p.tokenStartFrames();
            for (int t = 1; t < starts.length; t++) {
                assertTrue(starts[t] >= starts[t - 1]);
            }
        }
    }

    @Test
    void dtwMatchesABruteForceOptimumOnSmallMatrices() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rnd.nextInt(5);
            int m = 1 + rnd.nextInt(6);
            float[][] x = new float[n][m];
            for (float[] row : x) {
                for (int f = 0; f < m; f++) {
                    row[f] = (float) rnd.nextGaussian();
                }
            }
            CrossAttentionAlignment.DtwPath p = CrossAttentionAlignment.dtw(x);
            double pathCost = 0;
            for (int k = 0; k < p.length(); k++) {
                pathCost -= x[p.tokens()[k]][p.frames()[k]];
            }
            assertEquals(bestCost(x, n - 1, m - 1), pathCost, 1e-4);
        }
    }

    private static double bestCost(float[][] x, int i, int j) {
        if (i < 0 || j < 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (i == 0 && j == 0) {
            return -x[0][0];
        }
        double prev = Math.min(bestCost(x, i - 1, j - 1), Math.min(bestCost(x, i - 1, j), bestCost(x, i, j - 1)));
        return prev - x[i][j];
    }

    /** Direct scalar reference: numpy-style reflect padding, sort each window, take the middle. */
    private static float[] referenceMedian(float[] x, int width) {
        int half = width / 2;
        int n = x.length;
        if (n <= half) {
            return x.clone();
        }
        float[] padded = new float[n + 2 * half];
        for (int i = 0; i < padded.length; i++) {
            int src = i - half;
            if (src < 0) {
                src = -src;
            } else if (src >= n) {
                src = 2 * (n - 1) - src;
            }
            padded[i] = x[src];
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float[] window = Arrays.copyOfRange(padded, i, i + width);
            Arrays.sort(window);
            out[i] = window[half];
        }
        return out;
    }

    @Test
    void medianFilterMatchesTheScalarReferenceIncludingEdges() {
        Random rnd = new Random(3);
        for (int width : new int[]{1, 3, 5, 7}) {
            for (int n : new int[]{1, 2, 3, 4, 5, 6, 7, 8, 13, 50, 1500}) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : (float) rnd.nextGaussian(); // with ties
                }
                assertArrayEquals(referenceMedian(x, width), CrossAttentionAlignment.medianFilter(x, width),
                        "width " + width + " n " + n);
            }
        }
    }

    @Test
    void medianFilterKnownValues() {
        // reflect padding: [5 | 1 5 2 8 3 | 8]
        assertArrayEquals(new float[]{5, 2, 5, 3, 8},
                CrossAttentionAlignment.medianFilter(new float[]{1, 5, 2, 8, 3}, 3));
        // a single-frame spike vanishes with width 7
        float[] spike = new float[20];
        spike[9] = 100;
        assertArrayEquals(new float[20], CrossAttentionAlignment.medianFilter(spike, 7));
        // too short to reflect-pad (n <= width / 2): unchanged, as OpenAI
        assertArrayEquals(new float[]{3, 1, 2}, CrossAttentionAlignment.medianFilter(new float[]{3, 1, 2}, 7));
    }

    @Test
    void zNormalisationAlongTheTokenAxis() {
        float[][] head = {{1, 5, 0.5f}, {2, 5, 0.5f}, {3, 5, 2f}};
        CrossAttentionAlignment.zNormalise(head, 2);
        double z = 1 / Math.sqrt(2.0 / 3.0); // population std of {1,2,3}
        assertEquals(-z, head[0][0], 1e-6);
        assertEquals(0, head[1][0], 1e-6);
        assertEquals(z, head[2][0], 1e-6);
        // a frame every token attends to equally carries no information: zeros, not NaN
        for (float[] row : head) {
            assertEquals(0f, row[1]);
        }
        // frames past the given count are left alone
        assertEquals(0.5f, head[0][2]);
        assertEquals(2f, head[2][2]);
    }

    @Test
    void matrixIsTheHeadAverageOfNormalisedFilteredAttention() {
        Random rnd = new Random(11);
        float[][][] w = new float[3][5][40];
        for (float[][] head : w) {
            for (float[] row : head) {
                for (int f = 0; f < row.length; f++) {
                    row[f] = rnd.nextFloat();
                }
            }
        }
        int content = 33;
        float[][] expected = new float[5][content];
        for (float[][] head : w) {
            float[][] copy = new float[5][];
            for (int t = 0; t < 5; t++) {
                copy[t] = Arrays.copyOf(head[t], content);
            }
            CrossAttentionAlignment.zNormalise(copy, content);
            for (int t = 0; t < 5; t++) {
                float[] filtered = referenceMedian(copy[t], 7);
                for (int f = 0; f < content; f++) {
                    expected[t][f] += filtered[f] / 3;
                }
            }
        }
        float[][] actual = CrossAttentionAlignment.alignmentMatrix(w, content);
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(expected[t], actual[t], 1e-5f);
        }
    }

    @Test
    void contentFramesCutDropsPaddingAttention() {
        float[][][] w = syntheticAttention(9);
        // without the cut, every token would look at the padding (frames >= CONTENT attend 5x more)
        float[][] uncut = CrossAttentionAlignment.alignmentMatrix(w, PADDED);
        assertEquals(PADDED, uncut[0].length);
        float[][] cut = CrossAttentionAlignment.alignmentMatrix(w, CONTENT);
        assertEquals(CONTENT, cut[0].length);
        assertTrue(CrossAttentionAlignment.mostAttendedFrame(cut, 7) < CONTENT);
        assertTrue(inOwnStretch(CrossAttentionAlignment.mostAttendedFrame(cut, 3), 3));
        for (int t = 0; t < TOKENS; t++) {
            assertTrue(CrossAttentionAlignment.mostAttendedFrame(uncut, t) >= CONTENT, "uncut peaks in the padding");
        }
        // asking for more content than the rows hold clips to the rows
        assertEquals(PADDED, CrossAttentionAlignment.alignmentMatrix(w, 1500)[0].length);
        assertThrows(IllegalArgumentException.class, () -> CrossAttentionAlignment.alignmentMatrix(w, 0));
        assertThrows(IllegalArgumentException.class, () -> CrossAttentionAlignment.alignmentMatrix(w, 10, 4));
    }

    @Test
    void mostAttendedFrameTakesTheEarliestMaximum() {
        float[][] m = {{0, 3, 1, 3}, {-1, -2, -0.5f, -3}};
        assertEquals(1, CrossAttentionAlignment.mostAttendedFrame(m, 0));
        assertEquals(2, CrossAttentionAlignment.mostAttendedFrame(m, 1));
    }

    @Test
    void singleTokenNormalisesToZerosWithoutNaN() {
        float[][][] w = {{{0.1f, 0.7f, 0.2f, 0f, 0f}}};
        float[][] m = CrossAttentionAlignment.alignmentMatrix(w, 5);
        for (float v : m[0]) {
            assertEquals(0f, v);
        }
        assertEquals(1, CrossAttentionAlignment.tokenTimings(m, 0).size());
    }
}
