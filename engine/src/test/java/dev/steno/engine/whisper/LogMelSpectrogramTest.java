package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link LogMelSpectrogram} against a straightforward double-precision reference with a naive DFT. */
class LogMelSpectrogramTest {
    private static WhisperMelFilters tiny;
    private static WhisperMelFilters dense128;
    private static float[] jfk;

    @BeforeAll
    static void load() throws Exception {
        tiny = GgmlWhisperFile.readHeaderOnly(SharedFixtures.file("models/whisper-vocab/for-tests-ggml-tiny.bin"))
                .melFilters();
        // 128 bands like large-v3, dense random weights (exercises the non-sparse path and another band count)
        float[] w = new float[128 * 201];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextFloat() * 0.01f;
        }
        dense128 = new WhisperMelFilters(128, 201, w);
        Path wav = SharedFixtures.file("audio/jfk.wav");
        jfk = WavReader.read(wav).samples();
    }

    // ---- reference: the steps of OpenAI audio.py / whisper.cpp written out plainly, all in double ----

    /**
     * Reference log-mel. {@code zeroPad}: append 480000 zeros first (the window spectrogram). Returns all frames
     * ({@code [mel][frame]}), normalised with the max over all of them.
     */
    static double[][] reference(float[] audio, WhisperMelFilters filters, boolean zeroPad) {
        int n = audio.length + (zeroPad ? 480_000 : 0);
        double[] x = new double[n];
        for (int i = 0; i < audio.length; i++) {
            x[i] = audio[i];
        }
        // torch.stft(center=True, pad_mode="reflect"): reflect n_fft/2 on both sides
        double[] padded = new double[n + 400];
        for (int i = 0; i < 200; i++) {
            padded[i] = x[200 - i];
            padded[200 + n + i] = x[n - 2 - i];
        }
        System.arraycopy(x, 0, padded, 200, n);
        int frames = 1 + n / 160 - 1; // drop the last frame
        double[] hann = new double[400];
        double[] cos = new double[400];
        double[] sin = new double[400];
        for (int j = 0; j < 400; j++) {
            hann[j] = 0.5 - 0.5 * Math.cos(2 * Math.PI * j / 400);
            cos[j] = Math.cos(2 * Math.PI * j / 400);
            sin[j] = Math.sin(2 * Math.PI * j / 400);
        }
        int nMel = filters.nMel();
        double[][] out = new double[nMel][frames];
        double max = Double.NEGATIVE_INFINITY;
        double[] frame = new double[400];
        double[] power = new double[201];
        for (int t = 0; t < frames; t++) {
            boolean silent = true;
            for (int j = 0; j < 400; j++) {
                frame[j] = padded[t * 160 + j] * hann[j];
                silent &= frame[j] == 0;
            }
            for (int k = 0; k < 201; k++) {
                double re = 0;
                double im = 0;
                if (!silent) {
                    for (int j = 0; j < 400; j++) {
                        int idx = (k * j) % 400;
                        re += frame[j] * cos[idx];
                        im -= frame[j] * sin[idx];
                    }
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < nMel; m++) {
                double sum = 0;
                for (int k = 0; k < 201; k++) {
                    sum += filters.get(m, k) * power[k];
                }
                double v = Math.log10(Math.max(sum, 1e-10));
                out[m][t] = v;
                max = Math.max(max, v);
            }
        }
        for (int m = 0; m < nMel; m++) {
            for (int t = 0; t < frames; t++) {
                out[m][t] = (Math.max(out[m][t], max - 8.0) + 4.0) / 4.0;
            }
        }
        return out;
    }

    private static double maxAbsDiff(float[][] got, double[][] want, int frames) {
        assertEquals(want.length, got.length);
        double worst = 0;
        for (int m = 0; m < got.length; m++) {
            assertEquals(frames, got[m].length);
            for (int t = 0; t < frames; t++) {
                worst = Math.max(worst, Math.abs(got[m][t] - want[m][t]));
            }
        }
        return worst;
    }

    // ---- equivalence ----

    @Test
    void jfkWindowMatchesReference() {
        double[][] want = reference(jfk, tiny, true);
        float[][] got = new LogMelSpectrogram(tiny).computeWindow(jfk, LogMelSpectrogram.CHUNK_FRAMES);
        double diff = maxAbsDiff(got, want, 3000);
        System.out.printf("LogMel jfk 80 mels, 3000-frame window: max |diff| vs double reference %.3g%n", diff);
        assertTrue(diff <= 1e-4, "max abs diff " + diff);
    }

    @Test
    void jfkAsGivenMatchesReference() {
        double[][] want = reference(jfk, tiny, false);
        float[][] got = LogMelSpectrogram.compute(jfk, tiny);
        assertEquals(jfk.length / 160, got[0].length);
        double diff = maxAbsDiff(got, want, jfk.length / 160);
        System.out.printf("LogMel jfk 80 mels, as given: max |diff| %.3g%n", diff);
        assertTrue(diff <= 1e-4, "max abs diff " + diff);
    }

    @Test
    void jfk128DenseBandsMatchReference() {
        double[][] want = reference(jfk, dense128, true);
        float[][] got = LogMelSpectrogram.computeWindow(jfk, dense128, 3000);
        assertEquals(128, got.length);
        double diff = maxAbsDiff(got, want, 3000);
        System.out.printf("LogMel jfk 128 dense random bands: max |diff| %.3g%n", diff);
        assertTrue(diff <= 1e-4, "max abs diff " + diff);
    }

    @Test
    void audioLongerThanWindowTakesMaxPastTheWindow() {
        // 35 s: jfk three times, then a loud tail after 30 s that sets the clamp max
        float[] audio = new float[35 * 16000];
        for (int i = 0; i < 33 * 16000; i++) {
            audio[i] = jfk[i % jfk.length] * 0.1f;
        }
        for (int i = 33 * 16000; i < audio.length; i++) {
            audio[i] = (float) (0.9 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
        }
        double[][] want = reference(audio, tiny, true);
        float[][] got = new LogMelSpectrogram(tiny).computeWindow(audio, 3000);
        double diff = maxAbsDiff(got, want, 3000);
        assertTrue(diff <= 1e-4, "max abs diff " + diff);
        int total = LogMelSpectrogram.paddedFrameCount(audio.length);
        assertEquals(want[0].length, total);
        float[][] all = new LogMelSpectrogram(tiny).computeWindow(audio, total);
        assertTrue(maxAbsDiff(all, want, total) <= 1e-4);
    }

    @Test
    void shortAudioWindowMatchesReference() {
        for (int n : new int[] {0, 1, 150, 201, 399, 1601}) {
            float[] audio = Arrays.copyOfRange(jfk, 16000, 16000 + n);
            double[][] want = reference(audio, tiny, true);
            float[][] got = new LogMelSpectrogram(tiny).computeWindow(audio, 3000);
            assertTrue(maxAbsDiff(got, want, 3000) <= 1e-4, "n=" + n);
        }
    }

    @Test
    void parallelEqualsSequential() {
        float[] seq = new LogMelSpectrogram(tiny).computeWindowFlat(jfk, 3000);
        float[] par = new LogMelSpectrogram(tiny, 8).computeWindowFlat(jfk, 3000);
        assertArrayEquals(seq, par);
        assertArrayEquals(new LogMelSpectrogram(tiny).computeFlat(jfk), new LogMelSpectrogram(tiny, 4).computeFlat(jfk));
    }

    @Test
    void aPrefixOfABufferIntoAReusedArrayEqualsTheCopiedPrefix() {
        LogMelSpectrogram mel = new LogMelSpectrogram(tiny);
        float[] buffer = Arrays.copyOf(jfk, jfk.length + 16000);
        Arrays.fill(buffer, jfk.length, buffer.length, 0.9f); // loud garbage past the length: must not leak in
        float[] reused = new float[80 * 3000];
        Arrays.fill(reused, 42f);
        for (int length : new int[] {16000 * 3, 16000 * 5 + 77, jfk.length}) {
            int frames = LogMelSpectrogram.shrunkMelFrames(length);
            float[] want = mel.computeWindowFlat(Arrays.copyOf(jfk, length), frames);
            assertSame(reused, mel.computeWindowFlat(buffer, length, frames, reused));
            assertArrayEquals(want, Arrays.copyOf(reused, want.length), "length " + length);
        }
        assertThrows(IllegalArgumentException.class, () -> mel.computeWindowFlat(jfk, jfk.length, 3000, new float[10]));
        assertThrows(IndexOutOfBoundsException.class, () -> mel.computeWindowFlat(jfk, jfk.length + 1, 10, reused));
    }

    @Test
    void flatLayoutIsRowMajor() {
        LogMelSpectrogram mel = new LogMelSpectrogram(tiny);
        float[] flat = mel.computeWindowFlat(jfk, 1000);
        float[][] rows = mel.computeWindow(jfk, 1000);
        for (int m = 0; m < 80; m++) {
            assertArrayEquals(rows[m], Arrays.copyOfRange(flat, m * 1000, (m + 1) * 1000));
        }
    }

    // ---- properties ----

    @Test
    void silenceGivesFloorEverywhere() {
        for (float[] audio : new float[][] {new float[0], new float[5 * 16000], new float[40 * 16000]}) {
            float[][] got = new LogMelSpectrogram(tiny).computeWindow(audio, 3000);
            for (float[] row : got) {
                for (float v : row) {
                    assertEquals(LogMelSpectrogram.SILENCE_VALUE, v);
                }
            }
        }
        float[][] asGiven = LogMelSpectrogram.compute(new float[16000], tiny);
        for (float[] row : asGiven) {
            for (float v : row) {
                assertEquals(-1.5f, v);
            }
        }
    }

    @Test
    void tonesLandInTheirMelBand() {
        LogMelSpectrogram mel = new LogMelSpectrogram(tiny);
        for (double hz : new double[] {200, 440, 1000, 2500, 4000, 7000, 7800}) {
            float[] audio = new float[2 * 16000];
            for (int i = 0; i < audio.length; i++) {
                audio[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / 16000.0));
            }
            float[][] got = mel.computeWindow(audio, 3000);
            int t = 100; // one second in
            int best = argmaxMel(got, t);
            int bin = (int) Math.round(hz / 40.0); // bin spacing 16000 / 400 = 40 Hz
            int expected = 0;
            int nearestPeak = 0;
            double nearestDistance = Double.MAX_VALUE;
            for (int m = 0; m < 80; m++) {
                if (tiny.get(m, bin) > tiny.get(expected, bin)) {
                    expected = m;
                }
                int peak = 0;
                for (int k = 0; k < 201; k++) {
                    if (tiny.get(m, k) > tiny.get(m, peak)) {
                        peak = k;
                    }
                }
                double distance = Math.abs(peak * 40.0 - hz);
                if (distance < nearestDistance) {
                    nearestDistance = distance;
                    nearestPeak = m;
                }
            }
            assertEquals(expected, best, hz + " Hz");
            assertTrue(Math.abs(best - nearestPeak) <= 1, hz + " Hz: band " + best + ", nearest peak " + nearestPeak);
            if (hz == 1000) {
                System.out.printf("LogMel 1 kHz tone: loudest band %d (filter peaking nearest 1 kHz: %d)%n", best,
                        nearestPeak);
            }
            // and the loudest cell of that frame is the global max: (max + 4) / 4
            assertTrue(got[best][t] > got[(best + 10) % 80][t]);
        }
    }

    @Test
    void nyquistToneLandsInTopBand() {
        // 8 kHz is the Nyquist frequency: cos(pi n) = +-1 puts all energy in bin 200
        float[] audio = new float[16000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (i & 1) == 0 ? 0.5f : -0.5f;
        }
        float[][] got = new LogMelSpectrogram(tiny).computeWindow(audio, 3000);
        int expected = 0;
        for (int m = 0; m < 80; m++) {
            if (tiny.get(m, 200) > tiny.get(expected, 200)) {
                expected = m;
            }
        }
        if (tiny.get(expected, 200) > 0) {
            assertEquals(expected, argmaxMel(got, 50));
        }
        assertTrue(maxAbsDiff(got, reference(audio, tiny, true), 3000) <= 1e-4);
    }

    private static int argmaxMel(float[][] mel, int t) {
        int best = 0;
        for (int m = 1; m < mel.length; m++) {
            if (mel[m][t] > mel[best][t]) {
                best = m;
            }
        }
        return best;
    }

    @Test
    void frameCountRules() {
        assertEquals(3000, LogMelSpectrogram.paddedFrameCount(0));
        assertEquals(3000, LogMelSpectrogram.paddedFrameCount(159));
        assertEquals(3001, LogMelSpectrogram.paddedFrameCount(160));
        assertEquals(6000, LogMelSpectrogram.paddedFrameCount(480_000));
        assertEquals(2, LogMelSpectrogram.shrunkMelFrames(0));
        assertEquals(2, LogMelSpectrogram.shrunkMelFrames(1));
        assertEquals(2, LogMelSpectrogram.shrunkMelFrames(320));
        assertEquals(4, LogMelSpectrogram.shrunkMelFrames(321));
        assertEquals(1100, LogMelSpectrogram.shrunkMelFrames(176_000)); // 11 s: 1100 frames
        assertEquals(1102, LogMelSpectrogram.shrunkMelFrames(176_001)); // 1101 frames, rounded up to even
        assertEquals(1102, LogMelSpectrogram.shrunkMelFrames(176_320));
        assertEquals(3000, LogMelSpectrogram.shrunkMelFrames(480_000));
        assertEquals(3000, LogMelSpectrogram.shrunkMelFrames(2_000_000));
        assertEquals(1500, LogMelSpectrogram.encoderFrames(3000));
        assertEquals(551, LogMelSpectrogram.encoderFrames(1102));

        LogMelSpectrogram mel = new LogMelSpectrogram(tiny);
        assertEquals(0, mel.compute(new float[0])[0].length);
        assertEquals(1, mel.compute(new float[201])[0].length);
        assertEquals(2, mel.compute(new float[320])[0].length);
        assertEquals(100, mel.compute(new float[16000])[0].length);
        assertThrows(IllegalArgumentException.class, () -> mel.compute(new float[200]));
        assertThrows(IllegalArgumentException.class, () -> mel.computeWindow(new float[0], 3001));
        assertThrows(IllegalArgumentException.class, () -> mel.computeWindow(new float[0], -1));
        assertEquals(3001, mel.computeWindow(new float[160], 3001)[0].length);
    }

    @Test
    void shrunkWindowIsPrefixOfFullWindow() {
        LogMelSpectrogram mel = new LogMelSpectrogram(tiny);
        int frames = LogMelSpectrogram.shrunkMelFrames(jfk.length);
        assertEquals(0, frames % 2);
        float[][] full = mel.computeWindow(jfk, 3000);
        float[][] shrunk = mel.computeWindow(jfk, frames);
        for (int m = 0; m < 80; m++) {
            assertArrayEquals(Arrays.copyOf(full[m], frames), shrunk[m]);
        }
    }

    @Test
    void rejectsWrongFilterShape() {
        assertThrows(IllegalArgumentException.class,
                () -> new LogMelSpectrogram(new WhisperMelFilters(2, 200, new float[400])));
        assertThrows(IllegalArgumentException.class, () -> new LogMelSpectrogram(tiny, 0));
    }
}
