package dev.steno.engine.diarization.diart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OnlineClusteringTest {
    private static final float[] A = unit(1, 0, 0, 0);
    private static final float[] B = unit(0, 1, 0, 0);
    private static final float[] C = unit(0, 0, 1, 0);

    private static float[] unit(double... v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    /**
     * Activities of 10 frames for 3 local speakers: {@code spans[l]} = {first, last} active frame of local l at 1.0,
     * or null for silent.
     */
    private static float[] activity(int[]... spans) {
        float[] a = new float[10 * 3];
        for (int l = 0; l < 3; l++) {
            if (spans[l] != null) {
                for (int f = spans[l][0]; f <= spans[l][1]; f++) {
                    a[f * 3 + l] = 1f;
                }
            }
        }
        return a;
    }

    private static final int[] ALL = {0, 9};
    private static final int[] SHORT = {0, 1};

    @Test
    void theFirstWindowFoundsOneGlobalPerActiveLocalEvenWhenShort() {
        OnlineClustering c = new OnlineClustering(0.6, 0.3, 1.0, 20);
        int[] map = c.identify(activity(ALL, null, SHORT), 10, 3, new float[][] {A, B, C});
        assertArrayEquals(new int[] {0, -1, 1}, map);
        assertEquals(2, c.speakers());
        assertArrayEquals(A, c.centroid(0));
        assertArrayEquals(C, c.centroid(1));
    }

    @Test
    void localsFollowTheirVoiceWhateverTheirLocalIndex() {
        OnlineClustering c = new OnlineClustering(0.6, 0.3, 1.0, 20);
        c.identify(activity(ALL, ALL, null), 10, 3, new float[][] {A, B, null});
        // the segmentation model swapped its local order: local 0 is now voice B, local 2 voice A
        float[] a2 = unit(0.95, 0.1, 0, 0.05);
        float[] b2 = unit(0.1, 0.9, 0.05, 0);
        int[] map = c.identify(activity(ALL, null, ALL), 10, 3, new float[][] {b2, null, a2});
        assertArrayEquals(new int[] {1, -1, 0}, map);
        assertEquals(2, c.speakers());
        // both were long, so both centroids grew by the new embeddings
        float[] expected = A.clone();
        for (int d = 0; d < 4; d++) {
            expected[d] += a2[d];
        }
        assertArrayEquals(expected, c.centroid(0), 1e-6f);
    }

    @Test
    void twoLocalsNeverShareAGlobalEvenIfBothAreClosestToIt() {
        OnlineClustering c = new OnlineClustering(0.6, 0.3, 1.0, 20);
        c.identify(activity(ALL, ALL, null), 10, 3, new float[][] {A, B, null});
        float[] nearA1 = unit(1, 0.3, 0, 0);
        float[] nearA2 = unit(1, 0.5, 0, 0);
        int[] map = c.identify(activity(ALL, ALL, null), 10, 3, new float[][] {nearA1, nearA2, null});
        // total distance is least with the closer one on A and the other (still under delta) on B
        assertArrayEquals(new int[] {0, 1, -1}, map);
    }

    @Test
    void aDistantLongLocalFoundsANewSpeakerAndAShortOneIsNotUpdated() {
        OnlineClustering c = new OnlineClustering(0.6, 0.3, 0.5, 20);
        c.identify(activity(ALL, null, null), 10, 3, new float[][] {A, null, null});
        // C is 1.0 away from A (beyond delta 0.5) and long: new speaker 1
        int[] map = c.identify(activity(ALL, null, ALL), 10, 3, new float[][] {unit(1, 0.05, 0, 0), null, C});
        assertArrayEquals(new int[] {0, -1, 1}, map);
        assertEquals(2, c.speakers());
        float[] before = c.centroid(0);
        // a short (mean 0.2 < rho) local close to A maps to A without moving its centroid
        map = c.identify(activity(SHORT, null, null), 10, 3, new float[][] {unit(1, 0.2, 0, 0), null, null});
        assertArrayEquals(new int[] {0, -1, -1}, map);
        assertArrayEquals(before, c.centroid(0));
    }

    @Test
    void aDistantShortLocalTakesTheNearestFreeGlobalWithoutUpdatingIt() {
        OnlineClustering c = new OnlineClustering(0.6, 0.3, 0.5, 20);
        c.identify(activity(ALL, ALL, null), 10, 3, new float[][] {A, B, null});
        float[] beforeB = c.centroid(1);
        // local 0 is A; local 1 is far from everything (C) but short: no new speaker, it takes B (A is taken)
        int[] map = c.identify(activity(ALL, SHORT, null), 10, 3, new float[][] {A, C, null});
        assertArrayEquals(new int[] {0, 1, -1}, map);
        assertEquals(2, c.speakers());
        assertArrayEquals(beforeB, c.centroid(1));
    }

    @Test
    void atTheSpeakerLimitADistantLongLocalJoinsTheNearestFreeGlobal() {
        OnlineClustering c = new OnlineClustering(0.6, 0.3, 0.5, 2);
        c.identify(activity(ALL, ALL, null), 10, 3, new float[][] {A, B, null});
        float[] towardB = unit(0, 0.6, 1, 0);
        int[] map = c.identify(activity(null, null, ALL), 10, 3, new float[][] {null, null, towardB});
        assertArrayEquals(new int[] {-1, -1, 1}, map);
        assertEquals(2, c.speakers());
    }

    @Test
    void inactiveOrEmbeddinglessLocalsMapToNothing() {
        OnlineClustering c = new OnlineClustering(0.6, 0.3, 1.0, 20);
        float[] weak = new float[30];
        for (int f = 0; f < 10; f++) {
            weak[f * 3] = 0.5f;
            weak[f * 3 + 1] = 1f;
        }
        float[] nan = {Float.NaN, 0, 0, 0};
        int[] map = c.identify(weak, 10, 3, new float[][] {A, nan, B});
        assertArrayEquals(new int[] {-1, -1, -1}, map);
        assertEquals(0, c.speakers());
        // the first window was silent: later long speakers still found globals
        map = c.identify(activity(ALL, null, null), 10, 3, new float[][] {A, null, null});
        assertArrayEquals(new int[] {0, -1, -1}, map);
    }

    @Test
    void cosineDistanceIsOneMinusCosine() {
        assertEquals(0, OnlineClustering.cosineDistance(A, unit(3, 0, 0, 0)), 1e-9);
        assertEquals(1, OnlineClustering.cosineDistance(A, B), 1e-9);
        assertEquals(2, OnlineClustering.cosineDistance(A, unit(-1, 0, 0, 0)), 1e-9);
    }
}
