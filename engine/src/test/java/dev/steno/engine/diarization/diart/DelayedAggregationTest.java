package dev.steno.engine.diarization.diart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DelayedAggregationTest {
    /** Frames every 160 samples centred on their first sample + 80: output frame k and window frame k coincide. */
    private static final FrameTiming ALIGNED = new FrameTiming(160, 160);

    private static double hamming(double p, int n) {
        return 0.54 - 0.46 * Math.cos(2 * Math.PI * p / (n - 1));
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    @Test
    void oneWindowIsReadBackAsItIs() {
        DelayedAggregation agg = new DelayedAggregation(1, 10, 2, ALIGNED, 1600);
        float[] values = new float[20];
        for (int i = 0; i < 20; i++) {
            values[i] = i / 20f;
        }
        agg.add(0, values, 10);
        float[] out = new float[20];
        agg.aggregate(0, 10, out);
        for (int i = 0; i < 20; i++) {
            assertEquals(values[i], out[i], 1e-6);
        }
    }

    @Test
    void overlappingWindowsAreAveragedWithTheirOwnHammingWeights() {
        DelayedAggregation agg = new DelayedAggregation(2, 10, 1, ALIGNED, 1600);
        agg.add(0, ones(10), 10);
        agg.add(800, new float[10], 10);
        float[] out = new float[10];
        agg.aggregate(0, 10, out);
        // frames 0-4 only the first window covers; frame 5+j is frame 5+j of the first and j of the second
        for (int k = 0; k < 5; k++) {
            assertEquals(1f, out[k], 1e-6);
        }
        for (int j = 0; j < 5; j++) {
            double a = hamming(5 + j, 10);
            double b = hamming(j, 10);
            assertEquals(a / (a + b), out[5 + j], 1e-6, "frame " + (5 + j));
        }
    }

    @Test
    void theOldestWindowLeavesWhenTheRingIsFull() {
        DelayedAggregation agg = new DelayedAggregation(1, 10, 1, ALIGNED, 1600);
        agg.add(0, ones(10), 10);
        agg.add(800, new float[10], 10);
        float[] out = new float[10];
        agg.aggregate(0, 10, out);
        assertEquals(0f, out[2], 0f, "no window covers frame 2 any more");
        assertEquals(0f, out[7], 0f);
    }

    @Test
    void windowsOnAnotherGridAreInterpolated() {
        // window frames every 320 samples centred at 160 + 320 i: output frame 1 (centre 240) sits at i = 0.25
        DelayedAggregation agg = new DelayedAggregation(1, 5, 1, new FrameTiming(320, 320), 1600);
        agg.add(0, new float[] {0, 1, 0, 0, 0}, 5);
        float[] out = new float[3];
        agg.aggregate(0, 3, out);
        assertEquals(0f, out[0], 1e-6);
        assertEquals(0.25f, out[1], 1e-6);
        assertEquals(0.75f, out[2], 1e-6);
    }
}
