package dev.steno.engine.diarization.sortformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.steno.engine.dsp.MelFilterBank;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SortformerMelTest {
    /** Tones, a chirp and noise: energy in many bands, with silence-free edges that test the padding. */
    static float[] testSignal(int n, long seed) {
        Random rnd = new Random(seed);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / 16000.0;
            s[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * (500 + 3000 * t) * t)
                    + 0.05 * rnd.nextGaussian() + 0.1);
        }
        return s;
    }

    static List<float[]> streamed(float[] audio, int[] pieces) {
        SortformerMel mel = new SortformerMel();
        List<float[]> frames = new ArrayList<>();
        SortformerMel.FrameSink sink = (index, m) -> {
            assertEquals(frames.size(), index, "frames come in order");
            frames.add(m.clone());
        };
        int pos = 0;
        int p = 0;
        while (pos < audio.length) {
            int n = Math.min(pieces[p++ % pieces.length], audio.length - pos);
            mel.accept(audio, pos, n, sink);
            pos += n;
        }
        mel.finish(sink);
        assertEquals(frames.size(), mel.frames());
        return frames;
    }

    /**
     * NeMo's recipe written out plainly: pre-emphasis over the whole signal, 256 zeros each side, 512-point frames
     * every 160 with the symmetric Hann window centred, a direct DFT, Slaney filters, ln(x + 2^-24).
     */
    static List<float[]> reference(float[] x) {
        int n = x.length;
        double[] y = new double[n + 512];
        for (int i = 0; i < n; i++) {
            y[256 + i] = i == 0 ? x[0] : x[i] - 0.97f * x[i - 1];
        }
        double[] w = new double[512];
        for (int j = 0; j < 400; j++) {
            w[56 + j] = 0.5 - 0.5 * Math.cos(2 * Math.PI * j / 399);
        }
        MelFilterBank bank = MelFilterBank.slaney(128, 512, 16000, 0, 8000);
        List<float[]> frames = new ArrayList<>();
        for (int f = 0; f < n / 160; f++) {
            float[] power = new float[257];
            for (int k = 0; k <= 256; k++) {
                double re = 0;
                double im = 0;
                for (int m = 0; m < 512; m++) {
                    double v = y[f * 160 + m] * w[m];
                    double a = -2 * Math.PI * k * m / 512;
                    re += v * Math.cos(a);
                    im += v * Math.sin(a);
                }
                power[k] = (float) (re * re + im * im);
            }
            float[] out = new float[128];
            bank.apply(power, out);
            for (int b = 0; b < 128; b++) {
                out[b] = (float) Math.log(out[b] + Math.pow(2, -24));
            }
            frames.add(out);
        }
        return frames;
    }

    @Test
    void wholeFileMatchesThePlainRecipe() {
        float[] audio = testSignal(16000 + 77, 1);
        List<float[]> got = streamed(audio, new int[] {audio.length});
        List<float[]> want = reference(audio);
        assertEquals(want.size(), got.size());
        assertEquals(100, got.size(), "floor(16077 / 160) valid frames");
        double worst = 0;
        for (int f = 0; f < want.size(); f++) {
            for (int b = 0; b < 128; b++) {
                worst = Math.max(worst, Math.abs(want.get(f)[b] - got.get(f)[b]));
            }
        }
        // float32 log-mel values of magnitude up to ~17 carry ~2e-6 of rounding; the FFT and the DFT differ below it
        assertTrue(worst < 1e-5, "largest difference from the plain recipe " + worst);
    }

    @Test
    void piecesOfAnySizeGiveTheWholeFilesFramesExactly() {
        float[] audio = testSignal(16000 * 2 + 333, 2);
        List<float[]> whole = streamed(audio, new int[] {audio.length});
        Random rnd = new Random(3);
        int[][] schedules = {
            {1},
            {159, 161, 1, 400},
            rnd.ints(50, 1, 5000).toArray(),
            {0, 7, 0, 4096, 8191},
        };
        for (int[] schedule : schedules) {
            assertFramesEqual(whole, streamed(audio, schedule));
        }
    }

    @Test
    void framesAreEmittedAsSoonAsTheirWindowHasArrived() {
        SortformerMel mel = new SortformerMel();
        float[] audio = testSignal(2000, 4);
        List<Long> seen = new ArrayList<>();
        // frame i reads samples up to i*160 + 199
        mel.accept(audio, 0, 199, (i, m) -> seen.add(i));
        assertEquals(List.of(), seen);
        mel.accept(audio, 199, 1, (i, m) -> seen.add(i));
        assertEquals(List.of(0L), seen);
        mel.accept(audio, 200, 159, (i, m) -> seen.add(i));
        assertEquals(List.of(0L), seen);
        mel.accept(audio, 359, 1, (i, m) -> seen.add(i));
        assertEquals(List.of(0L, 1L), seen);
        assertEquals(360, mel.samples());
        mel.finish((i, m) -> seen.add(i));
        assertEquals(List.of(0L, 1L), seen, "360 samples hold floor(360/160) = 2 frames");
    }

    @Test
    void shortAndEmptyAudioHaveNoFrames() {
        assertEquals(0, streamed(new float[0], new int[] {1}).size());
        assertEquals(0, streamed(testSignal(159, 5), new int[] {1}).size());
        assertEquals(1, streamed(testSignal(160, 5), new int[] {1}).size());
        SortformerMel mel = new SortformerMel();
        mel.finish((i, m) -> { });
        assertThrows(IllegalStateException.class, () -> mel.accept(new float[1], 0, 1, (i, m) -> { }));
    }

    @Test
    void silenceGivesTheLogGuard() {
        List<float[]> frames = streamed(new float[1600], new int[] {100});
        float guard = (float) Math.log(Math.pow(2, -24));
        for (float[] f : frames) {
            for (float v : f) {
                assertEquals(guard, v, 1e-6);
            }
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        SortformerMel mel = new SortformerMel();
        float[] audio = testSignal(16000, 6);
        float[] sum = new float[1];
        SortformerMel.FrameSink sink = (i, m) -> sum[0] += m[0];
        for (int i = 0; i < 200; i++) {
            mel.accept(audio, 0, audio.length, sink);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50; i++) {
            mel.accept(audio, 0, 1000, sink);
            mel.accept(audio, 1000, audio.length - 1000, sink);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4_000, allocated + " bytes allocated by 100 accept() calls (5000 frames)");
        assertTrue(Float.isFinite(sum[0]));
    }

    private static void assertFramesEqual(List<float[]> want, List<float[]> got) {
        assertEquals(want.size(), got.size());
        for (int f = 0; f < want.size(); f++) {
            assertArrayEquals(want.get(f), got.get(f), "frame " + f);
        }
    }
}
