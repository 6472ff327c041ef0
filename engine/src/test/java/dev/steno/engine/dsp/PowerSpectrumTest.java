package dev.steno.engine.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PowerSpectrum} against a naive DFT of the zero-padded frame. */
class PowerSpectrumTest {
    @Test
    void matchesNaivePowerOfTheZeroPaddedFrame() {
        Random random = new Random(11);
        PowerSpectrum spectrum = new PowerSpectrum(512);
        assertEquals(257, spectrum.bins());
        // a full frame first, so the shorter ones that follow would see stale samples if the padding were not redone
        for (int length : new int[] {512, 400, 1, 0, 300}) {
            double[] frame = new double[length];
            for (int i = 0; i < length; i++) {
                frame[i] = random.nextGaussian();
            }
            double[] before = frame.clone();
            float[] got = spectrum.of(frame, length);
            for (int k = 0; k < 257; k++) {
                double re = 0;
                double im = 0;
                for (int j = 0; j < length; j++) {
                    double a = -2.0 * Math.PI * ((long) k * j % 512) / 512;
                    re += frame[j] * Math.cos(a);
                    im += frame[j] * Math.sin(a);
                }
                double want = re * re + im * im;
                assertEquals(want, got[k], 1e-4 * (1 + want), "length " + length + " bin " + k);
            }
            assertArrayEquals(before, frame, "the frame is left as it was");
        }
    }

    @Test
    void readsOnlyTheFirstLengthSamples() {
        PowerSpectrum spectrum = new PowerSpectrum(16);
        double[] frame = {1, -2, 3, 99, 99};
        float[] prefix = spectrum.of(frame, 3).clone();
        float[] exact = new PowerSpectrum(16).of(new double[] {1, -2, 3}, 3);
        assertArrayEquals(exact, prefix);
    }

    @Test
    void rejectsFramesLongerThanTheTransform() {
        PowerSpectrum spectrum = new PowerSpectrum(8);
        assertThrows(IllegalArgumentException.class, () -> spectrum.of(new double[9], 9));
        assertThrows(IllegalArgumentException.class, () -> new PowerSpectrum(7));
    }
}
