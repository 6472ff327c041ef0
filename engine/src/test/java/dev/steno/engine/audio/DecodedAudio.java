package dev.steno.engine.audio;

import java.util.Arrays;
import java.util.Random;

/** Test helpers: a sink that keeps everything, chunked pushing, and waveform comparison. */
final class DecodedAudio implements AudioSink {
    private float[] samples = new float[16000];
    private int size;
    int calls;

    @Override
    public void accept(float[] s, int off, int len) {
        if (size + len > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(2 * samples.length, size + len));
        }
        System.arraycopy(s, off, samples, size, len);
        size += len;
        calls++;
    }

    float[] samples() {
        return Arrays.copyOf(samples, size);
    }

    /** Pushes {@code bytes} whole, or in random chunks of 1 to {@code maxChunk} bytes when {@code random} is set. */
    static void push(StreamingAudioDecoder d, byte[] bytes, Random random, int maxChunk) throws AudioFormatException {
        if (random == null) {
            d.push(bytes, 0, bytes.length);
        } else {
            for (int off = 0; off < bytes.length; ) {
                int n = Math.min(bytes.length - off, 1 + random.nextInt(maxChunk));
                // Pushing a slice of a larger array checks that offsets are honoured.
                byte[] framed = new byte[n + 3];
                System.arraycopy(bytes, off, framed, 2, n);
                d.push(framed, 2, n);
                off += n;
            }
        }
        d.end();
    }

    static float[] decodeWebm(byte[] webm, Random random, int maxChunk) throws AudioFormatException {
        DecodedAudio sink = new DecodedAudio();
        push(new WebmOpusDecoder(sink), webm, random, maxChunk);
        return sink.samples();
    }

    /** Normalised correlation of {@code x[xo..]} and {@code y[yo..]} over {@code n} samples. */
    static double correlation(float[] x, int xo, float[] y, int yo, int n) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < n; i++) {
            double a = x[xo + i];
            double b = y[yo + i];
            xy += a * b;
            xx += a * a;
            yy += b * b;
        }
        return xy / Math.sqrt(xx * yy + 1e-30);
    }

    /** The best alignment of {@code x} within {@code ref}: {lag, correlation}, where x[i] matches ref[i + lag]. */
    record Alignment(int lag, double correlation) {
    }

    /**
     * Finds where {@code x} (its first {@code window} samples) sits in {@code ref}: a coarse search over every lag on
     * signals decimated by 8, then an exact search around the best coarse lag.
     */
    static Alignment align(float[] x, float[] ref, int window, int minLag) {
        int n = Math.min(window, x.length);
        int d = 8;
        float[] xs = decimate(x, n, d);
        float[] rs = decimate(ref, ref.length, d);
        int coarse = 0;
        double best = -2;
        for (int lag = minLag / d; lag <= rs.length - xs.length / 2; lag++) {
            int xo = Math.max(0, -lag);
            int ro = Math.max(0, lag);
            int m = Math.min(xs.length - xo, rs.length - ro);
            if (m < xs.length / 2) {
                continue;
            }
            double c = correlation(xs, xo, rs, ro, m);
            if (c > best) {
                best = c;
                coarse = lag * d;
            }
        }
        Alignment result = new Alignment(0, -2);
        for (int lag = coarse - 2 * d; lag <= coarse + 2 * d; lag++) {
            int xo = Math.max(0, -lag);
            int ro = Math.max(0, lag);
            int m = Math.min(n - xo, ref.length - ro);
            double c = correlation(x, xo, ref, ro, m);
            if (c > result.correlation()) {
                result = new Alignment(lag, c);
            }
        }
        return result;
    }

    private static float[] decimate(float[] x, int n, int d) {
        float[] out = new float[n / d];
        for (int i = 0; i < out.length; i++) {
            float s = 0;
            for (int k = 0; k < d; k++) {
                s += x[i * d + k];
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * Asserts that two decodes of the same stream agree. Equal up to float rounding rather than bit for bit: the
     * resampler's Vector API reduction may sum lanes in a different order once the JIT compiles it, which moves a
     * result by an ulp or so; chunking alone changes nothing.
     */
    static void assertSameAudio(float[] expected, float[] actual, String message) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, message + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-6f) {
                org.junit.jupiter.api.Assertions.fail(message + ": sample " + i + " is " + actual[i] + ", expected "
                        + expected[i]);
            }
        }
    }

    static double rms(float[] x, int from, int to) {
        double e = 0;
        for (int i = from; i < to; i++) {
            e += (double) x[i] * x[i];
        }
        return Math.sqrt(e / Math.max(1, to - from));
    }
}
