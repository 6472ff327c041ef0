package dev.steno.engine.diarization.diart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PowersetDecodingTest {
    private static final PowersetDecoding SEG3 = PowersetDecoding.of(3, 2);

    /** Log-softmax of the given logits. */
    private static float[] logSoftmax(double... logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (logits[i] - max - Math.log(sum));
        }
        return out;
    }

    @Test
    void classesFollowPyannotesOrder() {
        assertEquals(7, SEG3.classCount());
        assertArrayEquals(new int[0], SEG3.classes()[0]);
        assertArrayEquals(new int[] {0}, SEG3.classes()[1]);
        assertArrayEquals(new int[] {1}, SEG3.classes()[2]);
        assertArrayEquals(new int[] {2}, SEG3.classes()[3]);
        assertArrayEquals(new int[] {0, 1}, SEG3.classes()[4]);
        assertArrayEquals(new int[] {0, 2}, SEG3.classes()[5]);
        assertArrayEquals(new int[] {1, 2}, SEG3.classes()[6]);
        assertEquals(5, PowersetDecoding.of(4, 1).classCount());
        assertEquals(11, PowersetDecoding.of(4, 2).classCount());
    }

    @Test
    void softActivitySumsTheClassesHoldingEachSpeaker() {
        float[] frame = logSoftmax(0.1, 0.2, 0.3, 0.05, 1.5, 0.7, 0.2);
        double[] p = new double[7];
        for (int k = 0; k < 7; k++) {
            p[k] = Math.exp(frame[k]);
        }
        float[] out = new float[3];
        SEG3.soft(frame, 1, out);
        assertEquals(p[1] + p[4] + p[5], out[0], 1e-6);
        assertEquals(p[2] + p[4] + p[6], out[1], 1e-6);
        assertEquals(p[3] + p[5] + p[6], out[2], 1e-6);
    }

    @Test
    void hardActivityTakesTheArgmaxClassPerFrame() {
        float[] two = new float[14];
        System.arraycopy(logSoftmax(0, 0, 0, 0, 0, 5, 0), 0, two, 0, 7);
        System.arraycopy(logSoftmax(4, 0, 1, 0, 0, 0, 0), 0, two, 7, 7);
        float[] out = new float[6];
        SEG3.hard(two, 2, out);
        assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0}, out);
    }

    @Test
    void metadataIsReadAndChecked() {
        PowersetDecoding d = PowersetDecoding.fromMetadata(Map.of("num_speakers", "3", "powerset_max_classes", "2",
                "num_classes", "7"));
        assertEquals(SEG3, d);
        assertEquals(SEG3, PowersetDecoding.fromMetadata(Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowersetDecoding.fromMetadata(Map.of("num_classes", "8")));
        assertTrue(e.getMessage().contains("num_classes=8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PowersetDecoding.fromMetadata(Map.of("num_speakers", "x")));
    }

    @Test
    void aPowersetTooLargeToListIsRefusedWithoutListingIt() {
        assertEquals(PowersetDecoding.MAX_CLASSES, PowersetDecoding.of(10, 10).classCount()); // 2^10, the most allowed
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowersetDecoding.fromMetadata(Map.of("num_speakers", "40", "powerset_max_classes", "20")));
        assertTrue(e.getMessage().contains("more than " + PowersetDecoding.MAX_CLASSES + " classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PowersetDecoding.of(Integer.MAX_VALUE, 2));
    }

    @Test
    void metadataNumbersBeyondIntAreRefusedNotWrapped() {
        // 4294967566 rounded to int would wrap to 270, segmentation-3.0's shift
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameTiming.fromMetadata(Map.of("receptive_field_shift", "4294967566")));
        assertTrue(e.getMessage().contains("int range"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PowersetDecoding.fromMetadata(Map.of("num_speakers", "NaN")));
        assertEquals(3, PowersetDecoding.intValue(Map.of("k", "2.6"), "k", 0));
    }

    @Test
    void frameTimingPlacesFramesAtTheirReceptiveFieldCentre() {
        FrameTiming t = FrameTiming.fromMetadata(Map.of("receptive_field_size", "991", "receptive_field_shift", "270"));
        assertEquals(FrameTiming.PYANNOTE_3, t);
        assertEquals(495.5, t.centre(0), 0);
        assertEquals(10 * 270 + 495.5, t.centre(10), 0);
        assertEquals(10, t.frameAt(t.centre(10)), 1e-12);
        // 10 s: the last frame whose receptive field fits is 588, so 589 frames as the model outputs
        assertEquals(589, t.framesWithin(160000));
        assertEquals(293, t.framesWithin(80000));
        assertEquals(0, t.framesWithin(0));
        assertEquals(1, t.framesWithin(991));
        assertEquals(0, t.framesWithin(990));
        assertEquals(2, t.framesWithin(991 + 270));
    }
}
