package dev.steno.engine.diarization.baseline;

import dev.steno.engine.dsp.MelFilterBank;
import dev.steno.engine.dsp.PowerSpectrum;

/**
 * Incremental short-time cepstra of a 16 kHz stream: every 10 ms a 25 ms Hamming-windowed frame becomes its log
 * energy and mel-frequency cepstral coefficients c1..c{@value #CEPSTRA} over 40 Kaldi mel bands (20..7600 Hz).
 *
 * <p>Cepstra describe the vocal tract's resonances (formants) and so the voice; c0, the loudness, is left out of
 * them so that a speaker who gets louder stays the same speaker. Allocation-free once built.
 */
final class CepstralFrames {
    static final int SAMPLE_RATE = 16000;
    static final int HOP = 160;
    static final int WINDOW = 400;
    static final int CEPSTRA = 19;
    private static final int FFT = 512;
    private static final int BANDS = 40;

    /** The lowest and highest voice pitch looked for, in Hz. */
    private static final int PITCH_MIN_HZ = 70;
    private static final int PITCH_MAX_HZ = 400;
    /** A frame is voiced when its normalised autocorrelation at the pitch period reaches this. */
    private static final double VOICED = 0.5;

    /**
     * Receives each finished frame; the arrays are reused, copy what you keep. {@code pitch} is the voice's
     * fundamental in semitones above 100 Hz, NaN for an unvoiced frame.
     */
    interface Sink {
        void frame(long index, double logEnergy, float[] cepstra, double pitch);
    }

    private final PowerSpectrum spectrum = new PowerSpectrum(FFT);
    private final MelFilterBank mel = MelFilterBank.kaldi(BANDS, FFT, SAMPLE_RATE, 20, 7600);
    private final float[] window = new float[WINDOW];
    private final float[][] dct = new float[CEPSTRA][BANDS];
    private final float[] ring = new float[WINDOW];
    private final double[] windowed = new double[WINDOW];
    private final float[] bands = new float[BANDS];
    private final float[] cepstra = new float[CEPSTRA];
    /** The frame at 8 kHz (pairs of samples averaged): the pitch search's input, a quarter of the work. */
    private final double[] half = new double[WINDOW / 2];
    private long samples;
    private long frames;

    CepstralFrames() {
        for (int i = 0; i < WINDOW; i++) {
            window[i] = (float) (0.54 - 0.46 * Math.cos(2 * Math.PI * i / (WINDOW - 1)));
        }
        for (int c = 0; c < CEPSTRA; c++) {
            for (int b = 0; b < BANDS; b++) {
                dct[c][b] = (float) Math.cos(Math.PI * (c + 1) * (b + 0.5) / BANDS);
            }
        }
    }

    /** Frames finished so far; frame {@code i} covers samples {@code [i·160, i·160 + 400)}. */
    long frames() {
        return frames;
    }

    void accept(float[] audio, int offset, int length, Sink sink) {
        for (int i = 0; i < length; i++) {
            ring[(int) (samples % WINDOW)] = audio[offset + i];
            samples++;
            if (samples >= WINDOW && (samples - WINDOW) % HOP == 0) {
                compute(sink);
            }
        }
    }

    private void compute(Sink sink) {
        long first = samples - WINDOW;
        double mean = 0;
        for (int i = 0; i < WINDOW; i++) {
            mean += ring[(int) ((first + i) % WINDOW)];
        }
        mean /= WINDOW;
        double energy = 0;
        for (int i = 0; i < WINDOW; i++) {
            double x = ring[(int) ((first + i) % WINDOW)] - mean;
            energy += x * x;
            windowed[i] = x * window[i];
        }
        mel.apply(spectrum.of(windowed, WINDOW), bands);
        for (int b = 0; b < BANDS; b++) {
            bands[b] = (float) Math.log(Math.max(bands[b], 1e-10f));
        }
        for (int c = 0; c < CEPSTRA; c++) {
            double sum = 0;
            float[] row = dct[c];
            for (int b = 0; b < BANDS; b++) {
                sum += row[b] * bands[b];
            }
            cepstra[c] = (float) sum;
        }
        sink.frame(frames++, 10 * Math.log10(energy / WINDOW + 1e-12), cepstra, pitch(first, mean));
    }

    /**
     * The fundamental by normalised autocorrelation over the frame at 8 kHz: the period with the best match of the
     * frame against itself shifted, if that match is good enough to call the frame voiced.
     */
    private double pitch(long first, double mean) {
        for (int i = 0; i < half.length; i++) {
            half[i] = (ring[(int) ((first + 2 * i) % WINDOW)] + ring[(int) ((first + 2 * i + 1) % WINDOW)]) / 2
                    - mean;
        }
        int minLag = SAMPLE_RATE / 2 / PITCH_MAX_HZ;
        int maxLag = SAMPLE_RATE / 2 / PITCH_MIN_HZ;
        double best = VOICED;
        int bestLag = -1;
        for (int lag = minLag; lag <= maxLag; lag++) {
            double xy = 0;
            double xx = 0;
            double yy = 0;
            for (int t = 0; t + lag < half.length; t++) {
                xy += half[t] * half[t + lag];
                xx += half[t] * half[t];
                yy += half[t + lag] * half[t + lag];
            }
            double r = xy / Math.sqrt(xx * yy + 1e-20);
            if (r > best) {
                best = r;
                bestLag = lag;
            }
        }
        if (bestLag < 0) {
            return Double.NaN;
        }
        double f0 = SAMPLE_RATE / 2.0 / bestLag;
        return 12 * Math.log(f0 / 100) / Math.log(2);
    }
}
