package dev.steno.engine.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The policies' audio window: appends, cuts at the front, sample-exact start, no copies in steady state. */
class AudioWindowTest {
    private static float[] ramp(int from, int count) {
        float[] r = new float[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }

    @Test
    void appendGrowsAndKeepsTheSamplesInOrder() {
        AudioWindow w = new AudioWindow(4);
        w.append(ramp(0, 3), 0, 3);
        w.append(ramp(0, 10), 3, 7); // samples 3..9 of the ramp
        assertEquals(10, w.length());
        assertTrue(w.samples().length >= 10);
        assertArrayEquals(ramp(0, 10), w.copy());
        assertThrows(IndexOutOfBoundsException.class, () -> w.append(new float[2], 1, 2));
    }

    @Test
    void growingAtLeastDoubles() {
        AudioWindow w = new AudioWindow(100);
        w.append(new float[101], 0, 101);
        assertEquals(200, w.samples().length);
        w.append(new float[500], 0, 500);
        assertEquals(601, w.samples().length, "an append larger than double gets exactly the room it needs");
    }

    @Test
    void cuttingMovesTheStartBySamplesAndReusesTheArray() {
        AudioWindow w = new AudioWindow(AudioWindow.SAMPLE_RATE * 2);
        w.append(ramp(0, AudioWindow.SAMPLE_RATE), 0, AudioWindow.SAMPLE_RATE);
        float[] before = w.samples();
        assertTrue(w.cutAt(0.25));
        assertEquals(4000, w.startSample());
        assertEquals(0.25, w.startSeconds());
        assertEquals(0.75, w.seconds());
        assertEquals(4000f, w.samples()[0], "the window now starts with the sample at 0.25 s");
        w.append(new float[4000], 0, 4000);
        assertSame(before, w.samples(), "steady state: cut and append without a new array");
    }

    @Test
    void aCutRoundsToTheNearestSampleAndStopsAtTheEnd() {
        AudioWindow w = new AudioWindow(16);
        w.append(new float[10], 0, 10);
        assertTrue(w.cutAt(2.6 / AudioWindow.SAMPLE_RATE));
        assertEquals(3, w.startSample());
        assertFalse(w.cutAt(1.0 / AudioWindow.SAMPLE_RATE), "a cut before the start changes nothing");
        assertEquals(3, w.startSample());
        assertTrue(w.cutAt(100));
        assertEquals(10, w.startSample(), "never beyond the audio");
        assertEquals(0, w.length());
        assertFalse(w.cutAt(100));
    }

    @Test
    void dropFrontTakesAtMostTheWindow() {
        AudioWindow w = new AudioWindow(16);
        w.append(ramp(0, 8), 0, 8);
        assertEquals(0, w.dropFront(-3));
        assertEquals(5, w.dropFront(5));
        assertArrayEquals(ramp(5, 3), w.copy());
        assertEquals(3, w.dropFront(50));
        assertEquals(8, w.startSample());
    }

    @Test
    void consumeAllAndResetEmptyTheWindow() {
        AudioWindow w = new AudioWindow(16);
        w.append(new float[8], 0, 8);
        w.consumeAll();
        assertEquals(0, w.length());
        assertEquals(8, w.startSample(), "consumed audio moves the start to its end");
        w.append(new float[8], 0, 8);
        w.reset(2.5);
        assertEquals(0, w.length());
        assertEquals(40_000, w.startSample());
    }
}
