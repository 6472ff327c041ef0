package dev.steno.engine.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MelFilterBankTest {
    @Test
    void slaneyScaleIsLinearBelowOneKilohertzAndLogarithmicAbove() {
        assertEquals(15.0, MelFilterBank.hzToSlaney(1000), 1e-9);
        assertEquals(3.0, MelFilterBank.hzToSlaney(200), 1e-9);
        // librosa.hz_to_mel(8000) = 15 + 27·ln(8)/ln(6.4)
        assertEquals(15 + 27 * Math.log(8) / Math.log(6.4), MelFilterBank.hzToSlaney(8000), 1e-9);
        for (double hz : new double[]{0, 440, 999, 1000, 3000, 7999}) {
            assertEquals(hz, MelFilterBank.slaneyToHz(MelFilterBank.hzToSlaney(hz)), 1e-6);
        }
    }

    @Test
    void slaneyTrianglesHaveUnitAreaAndCoverTheRange() {
        MelFilterBank bank = MelFilterBank.slaney(128, 512, 16000, 0, 8000);
        assertEquals(257, bank.bins());
        double binHz = 16000.0 / 512;
        // each triangle has unit area (Slaney norm); the bins sample a narrow one coarsely, so check the mean area of
        // the upper bands and a loose bound on each
        double total = 0;
        for (int b = 64; b < 128; b++) {
            double sum = 0;
            for (float v : bank.band(b)) {
                sum += v;
            }
            assertEquals(1.0, sum * binHz, 0.15, "band " + b);
            total += sum * binHz;
        }
        assertEquals(1.0, total / 64, 0.02);
        float[] flat = new float[257];
        Arrays.fill(flat, 1f);
        float[] out = new float[128];
        bank.apply(flat, out);
        for (float v : out) {
            assertTrue(v >= 0);
        }
    }

    @Test
    void kaldiTrianglesPeakAtTheirCentresAndLeaveNyquistOut() {
        MelFilterBank bank = MelFilterBank.kaldi(80, 512, 16000, 20, 0);
        for (int b = 0; b < 80; b++) {
            float[] w = bank.band(b);
            float max = 0;
            for (float v : w) {
                max = Math.max(max, v);
            }
            assertTrue(max > 0 && max <= 1, "band " + b + " peak " + max);
            assertEquals(0f, w[256], "the Nyquist bin is unused");
        }
        assertThrows(IllegalArgumentException.class, () -> MelFilterBank.kaldi(80, 512, 16000, 9000, 0));
    }
}
