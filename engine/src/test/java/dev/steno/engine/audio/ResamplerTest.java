package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ResamplerTest {
    private static final int TARGET = 16000;

    @ParameterizedTest
    @ValueSource(ints = {48000, 44100})
    void passbandIsFlatAndInPhase(int inRate) {
        double worstDb = 0;
        double worstPhase = 0;
        for (double f = 100; f <= 7000; f += 100) {
            float[] out = Resampler.resample(sine(f, inRate, 0.5, 0.5), inRate, TARGET);
            double[] fit = fitSine(out, f, TARGET, edge(inRate));
            double db = 20 * Math.log10(Math.hypot(fit[0], fit[1]) / 0.5);
            // A delayed output would show as a cosine component; zero-phase filtering leaves none.
            double phase = Math.atan2(fit[1], fit[0]);
            worstDb = Math.max(worstDb, Math.abs(db));
            worstPhase = Math.max(worstPhase, Math.abs(phase));
            assertTrue(Math.abs(db) <= 0.5, f + " Hz: gain " + db + " dB");
            assertTrue(Math.abs(phase) < 1e-3, f + " Hz: phase " + phase + " rad");
        }
        System.out.printf(Locale.ROOT, "%d -> %d Hz passband 100..7000 Hz: max |gain| %.4f dB, max |phase| %.2e rad%n",
                inRate, TARGET, worstDb, worstPhase);
    }

    @ParameterizedTest
    @ValueSource(ints = {48000, 44100})
    void tonesAboveTargetNyquistAreRejected(int inRate) {
        double minRejection = Double.POSITIVE_INFINITY;
        double worstFreq = 0;
        double top = Math.min(23000, inRate / 2.0 - 100);
        for (double f = 8500; f <= top; f += 250) {
            float[] out = Resampler.resample(sine(f, inRate, 0.5, 0.5), inRate, TARGET);
            // All output energy of a pure tone above the new Nyquist is aliasing (at |f - 16000 k|) or leakage, so
            // the total RMS bounds the alias at any single frequency from above.
            double rejection = -20 * Math.log10(rms(out, edge(inRate)) / (0.5 / Math.sqrt(2)));
            if (rejection < minRejection) {
                minRejection = rejection;
                worstFreq = f;
            }
        }
        System.out.printf(Locale.ROOT, "%d -> %d Hz stop band 8500..%.0f Hz: min rejection %.1f dB (at %.0f Hz)%n",
                inRate, TARGET, top, minRejection, worstFreq);
        assertTrue(minRejection >= 60, "rejection only " + minRejection + " dB at " + worstFreq + " Hz");
    }

    @Test
    void upsamplingLeavesNoImages() {
        for (double f : new double[] {300, 1000, 3000, 3500}) {
            float[] out = Resampler.resample(sine(f, 8000, 0.5, 0.5), 8000, TARGET);
            double[] fit = fitSine(out, f, TARGET, 400);
            assertEquals(0, 20 * Math.log10(Math.hypot(fit[0], fit[1]) / 0.5), 0.5, f + " Hz gain");
            float[] residual = new float[out.length];
            for (int n = 0; n < out.length; n++) {
                double w = 2 * Math.PI * f * n / TARGET;
                residual[n] = (float) (out[n] - fit[0] * Math.sin(w) - fit[1] * Math.cos(w));
            }
            double imageDb = 20 * Math.log10(rms(residual, 400) / (0.5 / Math.sqrt(2)));
            assertTrue(imageDb < -60, f + " Hz: image/residual at " + imageDb + " dB");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {48000, 44100, 32000, 24000, 22050, 11025, 8000})
    void outputIsTimeAligned(int inRate) {
        // A 1 kHz sine comes out as the same sine sampled at the new rate, not a delayed one.
        float[] out = Resampler.resample(sine(1000, inRate, 1.0, 0.8), inRate, TARGET);
        assertEquals(16000, out.length);
        float[] expected = sine(1000, TARGET, 1.0, 0.8);
        double maxErr = 0;
        for (int n = 800; n < 15200; n++) {
            maxErr = Math.max(maxErr, Math.abs(out[n] - expected[n]));
        }
        assertTrue(maxErr < 1e-3, inRate + " Hz: max deviation from the ideal sine " + maxErr);

        // A click near 0.1 s, at an input sample that falls exactly on an output sample, peaks there.
        int g = java.math.BigInteger.valueOf(inRate).gcd(java.math.BigInteger.valueOf(TARGET)).intValue();
        int q = Math.ceilDiv(inRate / 10, inRate / g);
        float[] click = new float[inRate / 2];
        click[q * (inRate / g)] = 1f;
        float[] response = Resampler.resample(click, inRate, TARGET);
        int peak = 0;
        for (int n = 1; n < response.length; n++) {
            if (Math.abs(response[n]) > Math.abs(response[peak])) {
                peak = n;
            }
        }
        assertEquals(q * (TARGET / g), peak, inRate + " Hz click");
    }

    @ParameterizedTest
    @ValueSource(ints = {48000, 44100, 22050, 11025, 8000, 44101})
    void chunkedProcessingEqualsOneShot(int inRate) {
        Random random = new Random(inRate);
        float[] in = new float[3 * inRate + 17];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (random.nextGaussian() * 0.3);
        }
        float[] oneShot = Resampler.resample(in, inRate, TARGET);
        assertEquals(Math.ceilDiv((long) in.length * TARGET, inRate), oneShot.length);

        Resampler r = new Resampler(inRate, TARGET);
        for (int round = 0; round < 2; round++) { // the second round checks that flush() resets the state
            float[] out = new float[oneShot.length + r.maxOutput(0)];
            int produced = 0;
            int pos = 0;
            while (pos < in.length) {
                int len = Math.min(in.length - pos, random.nextInt(10) == 0 ? random.nextInt(3) : random.nextInt(5000));
                int n = r.process(in, pos, len, out, produced);
                assertTrue(n <= r.maxOutput(len), n + " outputs for " + len + " inputs > maxOutput");
                produced += n;
                pos += len;
            }
            produced += r.flush(out, produced);
            assertEquals(oneShot.length, produced);
            for (int i = 0; i < produced; i++) {
                assertEquals(oneShot[i], out[i], 1e-6f, "sample " + i);
            }
        }
    }

    @Test
    void incommensurateRatesUseInterpolatedPhasesWithoutLosingQuality() {
        int inRate = 44101; // gcd with 16000 is 1, so 16000 phases would be needed exactly
        float[] out = Resampler.resample(sine(1000, inRate, 0.5, 0.5), inRate, TARGET);
        double[] fit = fitSine(out, 1000, TARGET, 400);
        assertEquals(0.5, Math.hypot(fit[0], fit[1]), 0.5 * 0.01);
        assertTrue(Math.abs(Math.atan2(fit[1], fit[0])) < 1e-3);
        float[] alias = Resampler.resample(sine(12000, inRate, 0.5, 0.5), inRate, TARGET);
        double rejection = -20 * Math.log10(rms(alias, 400) / (0.5 / Math.sqrt(2)));
        assertTrue(rejection >= 60, "rejection " + rejection);
    }

    @Test
    void identityReturnsTheSameSamples() {
        float[] in = {0.1f, -0.2f, 0.3f, 1f, -1f};
        float[] out = Resampler.resample(in, 16000, 16000);
        assertArrayEquals(in, out, 0f);
        assertNotSame(in, out);
        Resampler r = new Resampler(16000, 16000);
        float[] streamed = new float[5];
        assertEquals(2, r.process(in, 0, 2, streamed, 0));
        assertEquals(3, r.process(in, 2, 3, streamed, 2));
        assertEquals(0, r.flush(streamed, 5));
        assertArrayEquals(in, streamed, 0f);
        assertEquals(0, r.latencyInputSamples());
    }

    @Test
    void pcmAudioResamplesThroughResampler() {
        PcmAudio audio = new PcmAudio(sine(1000, 48000, 0.5, 0.5), 48000);
        assertTrue(audio.resampledTo(48000) == audio);
        PcmAudio converted = audio.resampledTo(TARGET);
        assertEquals(TARGET, converted.sampleRate());
        assertEquals(audio.durationSeconds(), converted.durationSeconds(), 1e-9);
        assertArrayEquals(Resampler.resample(audio.samples(), 48000, TARGET), converted.samples(), 0f);
    }

    @Test
    void filterIsLongEnoughForItsTransitionBand() {
        Resampler r = new Resampler(48000, 16000);
        // 1 kHz transition at 48 kHz for 80 dB: Kaiser's estimate is about 241 taps.
        assertTrue(r.filterLength() >= 230 && r.filterLength() <= 260, "filter length " + r.filterLength());
        assertEquals(r.filterLength() / 2, r.latencyInputSamples());
    }

    @Test
    void rejectsBadArguments() {
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class, () -> new Resampler(0, 16000));
        assertTrue(rate.getMessage().contains("0 Hz -> 16000 Hz"), rate.getMessage());
        Resampler r = new Resampler(48000, 16000);
        float[] small = new float[10];
        IllegalArgumentException room = assertThrows(IllegalArgumentException.class,
                () -> r.process(new float[4800], 0, 4800, small, 0));
        assertTrue(room.getMessage().contains("room for 10 samples") && room.getMessage().contains("maxOutput"),
                room.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> r.process(new float[10], 5, 10, new float[1000], 0));
    }

    @Test
    void steadyStateProcessingDoesNotAllocate() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Resampler r = new Resampler(48000, 16000);
        float[] in = sine(440, 48000, 0.1, 0.5);
        float[] out = new float[r.maxOutput(in.length)];
        // Enough warm-up for C2 to compile the loop and scalar-replace the vector temporaries.
        for (int i = 0; i < 3000; i++) {
            r.process(in, 0, in.length, out, 0);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 500; i++) {
            r.process(in, 0, in.length, out, 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.println("48000 -> 16000 Hz: " + allocated + " bytes allocated by 500 process() calls of 4800 samples");
        assertTrue(allocated < 4_000, allocated + " bytes allocated by 500 process() calls");
    }

    private static float[] sine(double freq, int rate, double seconds, double amplitude) {
        float[] s = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (amplitude * Math.sin(2 * Math.PI * freq * i / rate));
        }
        return s;
    }

    /** Edge skipped in the output: the filter's reach plus margin, where the tone's abrupt start and end ring. */
    private static int edge(int inRate) {
        return new Resampler(inRate, TARGET).latencyInputSamples() * TARGET / inRate + 200;
    }

    /** Least-squares fit y ~ a sin(wn) + b cos(wn) over the middle of {@code y}; returns {a, b}. */
    private static double[] fitSine(float[] y, double freq, int rate, int skip) {
        double ss = 0;
        double cc = 0;
        double sc = 0;
        double ys = 0;
        double yc = 0;
        for (int n = skip; n < y.length - skip; n++) {
            double w = 2 * Math.PI * freq * n / rate;
            double s = Math.sin(w);
            double c = Math.cos(w);
            ss += s * s;
            cc += c * c;
            sc += s * c;
            ys += y[n] * s;
            yc += y[n] * c;
        }
        double det = ss * cc - sc * sc;
        return new double[] {(ys * cc - yc * sc) / det, (yc * ss - ys * sc) / det};
    }

    private static double rms(float[] y, int skip) {
        double sum = 0;
        int count = 0;
        for (int n = skip; n < y.length - skip; n++) {
            sum += (double) y[n] * y[n];
            count++;
        }
        return Math.sqrt(sum / count);
    }
}
