package dev.steno.engine.dsp;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link MixedRadixFft} against a naive double-precision DFT. */
class MixedRadixFftTest {
    @Test
    void matchesNaiveDft() {
        Random random = new Random(7);
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 8, 12, 16, 25, 30, 45, 50, 100, 128, 200, 400, 1000}) {
            double[] re = new double[n];
            double[] im = new double[n];
            for (int i = 0; i < n; i++) {
                re[i] = random.nextGaussian();
                im[i] = random.nextGaussian();
            }
            double[] expRe = new double[n];
            double[] expIm = new double[n];
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    double a = -2.0 * Math.PI * ((long) k * j % n) / n;
                    expRe[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                    expIm[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
                }
            }
            double[] wr = new double[n];
            double[] wi = new double[n];
            MixedRadixFft fft = new MixedRadixFft(n);
            boolean inWork = fft.transform(re, im, wr, wi);
            double[] gotRe = inWork ? wr : re;
            double[] gotIm = inWork ? wi : im;
            double worst = 0;
            for (int k = 0; k < n; k++) {
                worst = Math.max(worst, Math.hypot(gotRe[k] - expRe[k], gotIm[k] - expIm[k]));
            }
            assertTrue(worst < 1e-11 * n, "n=" + n + " error " + worst);
        }
    }

    @Test
    void rejectsOtherPrimes() {
        assertThrows(IllegalArgumentException.class, () -> new MixedRadixFft(7));
        assertThrows(IllegalArgumentException.class, () -> new MixedRadixFft(0));
    }
}
