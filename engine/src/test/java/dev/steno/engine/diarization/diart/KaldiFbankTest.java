package dev.steno.engine.diarization.diart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KaldiFbankTest {
    /** Kaldi's fbank written the slow, obvious way: a direct DFT and mel triangles from the formulas. */
    private static double[][] naiveFbank(float[] x, float scale, int bands) {
        int frames = x.length < 400 ? 0 : 1 + (x.length - 400) / 160;
        double[][] out = new double[frames][bands];
        double melLow = 1127 * Math.log(1 + 20 / 700.0);
        double melHigh = 1127 * Math.log(1 + 8000 / 700.0);
        double delta = (melHigh - melLow) / (bands + 1);
        for (int f = 0; f < frames; f++) {
            double[] frame = new double[400];
            double mean = 0;
            for (int i = 0; i < 400; i++) {
                frame[i] = x[f * 160 + i] * (double) scale;
                mean += frame[i] / 400;
            }
            double[] dc = new double[400];
            for (int i = 0; i < 400; i++) {
                dc[i] = frame[i] - mean;
            }
            double[] pre = new double[400];
            for (int i = 0; i < 400; i++) {
                pre[i] = dc[i] - 0.97 * dc[Math.max(0, i - 1)];
            }
            for (int i = 0; i < 400; i++) {
                pre[i] *= Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / 399), 0.85);
            }
            double[] pow = new double[257];
            for (int k = 0; k < 257; k++) {
                double r = 0;
                double m = 0;
                for (int n = 0; n < 400; n++) {
                    r += pre[n] * Math.cos(2 * Math.PI * k * n / 512);
                    m -= pre[n] * Math.sin(2 * Math.PI * k * n / 512);
                }
                pow[k] = r * r + m * m;
            }
            for (int b = 0; b < bands; b++) {
                double left = melLow + b * delta;
                double centre = left + delta;
                double right = centre + delta;
                double e = 0;
                for (int k = 0; k < 256; k++) {
                    double mel = 1127 * Math.log(1 + k * 16000.0 / 512 / 700);
                    if (mel > left && mel <= centre) {
                        e += pow[k] * (mel - left) / delta;
                    } else if (mel > centre && mel < right) {
                        e += pow[k] * (right - mel) / delta;
                    }
                }
                out[f][b] = Math.log(Math.max(e, Math.ulp(1.0f)));
            }
        }
        return out;
    }

    @Test
    void matchesTheNaiveReferenceOnNoiseAndATone() {
        Random random = new Random(7);
        float[] x = new float[16000 / 4 + 123];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 16000.0) + 0.05 * random.nextGaussian());
        }
        KaldiFbank fbank = new KaldiFbank(80);
        int frames = KaldiFbank.frameCount(x.length);
        float[] out = new float[frames * 80];
        assertEquals(frames, fbank.compute(x, 0, x.length, 32768f, out, 0));
        double[][] ref = naiveFbank(x, 32768f, 80);
        assertEquals(ref.length, frames);
        for (int f = 0; f < frames; f++) {
            for (int b = 0; b < 80; b++) {
                assertEquals(ref[f][b], out[f * 80 + b], 1e-3, "frame " + f + " band " + b);
            }
        }
    }

    @Test
    void readsFromTheOffsetAndWritesAtTheOutputOffset() {
        Random random = new Random(3);
        float[] x = new float[2000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 0.1f;
        }
        KaldiFbank fbank = new KaldiFbank(80);
        float[] whole = new float[KaldiFbank.frameCount(1600) * 80];
        float[] shifted = new float[7 + whole.length];
        float[] copy = java.util.Arrays.copyOfRange(x, 320, 1920);
        fbank.compute(copy, 0, copy.length, 1f, whole, 0);
        fbank.compute(x, 320, 1600, 1f, shifted, 7);
        for (int i = 0; i < whole.length; i++) {
            assertEquals(whole[i], shifted[7 + i], 0f);
        }
    }

    @Test
    void frameCountFollowsSnipEdges() {
        assertEquals(0, KaldiFbank.frameCount(0));
        assertEquals(0, KaldiFbank.frameCount(399));
        assertEquals(1, KaldiFbank.frameCount(400));
        assertEquals(1, KaldiFbank.frameCount(559));
        assertEquals(2, KaldiFbank.frameCount(560));
        assertEquals(498, KaldiFbank.frameCount(80000));
    }

    @Test
    void silenceSitsOnTheLogFloor() {
        KaldiFbank fbank = new KaldiFbank(80);
        float[] out = new float[80];
        fbank.compute(new float[400], 0, 400, 32768f, out, 0);
        for (float v : out) {
            assertEquals(Math.log(Math.ulp(1.0f)), v, 1e-6);
        }
    }

    @Test
    void meanNormalisationLeavesEveryBandWithZeroMean() {
        Random random = new Random(11);
        int frames = 9;
        int bands = 4;
        float[] feats = new float[2 + frames * bands];
        for (int i = 0; i < feats.length; i++) {
            feats[i] = (float) random.nextGaussian() + 5;
        }
        float before0 = feats[0];
        float diff = feats[2 + bands] - feats[2];
        KaldiFbank.subtractMean(feats, 2, frames, bands);
        assertEquals(before0, feats[0], 0f);
        assertEquals(diff, feats[2 + bands] - feats[2], 1e-5);
        for (int b = 0; b < bands; b++) {
            double sum = 0;
            for (int f = 0; f < frames; f++) {
                sum += feats[2 + f * bands + b];
            }
            assertTrue(Math.abs(sum / frames) < 1e-5, "band " + b + " mean " + sum / frames);
        }
    }
}
