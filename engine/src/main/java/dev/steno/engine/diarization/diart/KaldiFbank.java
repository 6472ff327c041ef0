package dev.steno.engine.diarization.diart;

import dev.steno.engine.dsp.MelFilterBank;
import dev.steno.engine.dsp.PowerSpectrum;

/**
 * Kaldi-style log mel filter-bank features at 16 kHz, as WeSpeaker and 3D-Speaker embedding extractors are trained
 * on (torchaudio's {@code kaldi.fbank} / kaldi-native-fbank with their defaults): 25 ms frames (400 samples) every
 * 10 ms (160), not centred ({@code snip_edges}: frame {@code j} reads samples {@code 160j .. 160j+399}, and only
 * whole frames count), no dither; per frame the DC offset is removed, pre-emphasis 0.97 applied, the Povey window
 * ({@code (0.5 - 0.5 cos(2πn/399))^0.85}) applied, the frame zero-padded to 512 points, its power spectrum passed
 * through {@link MelFilterBank#kaldi 80 Kaldi mel bands} over 20 Hz .. Nyquist, and the natural log taken with a floor
 * of {@code FLT_EPSILON}. Mean normalisation over an utterance ({@link #subtractMean}) is a separate step because the
 * caller decides which frames make up the utterance.
 *
 * <p>An instance owns its per-frame scratch buffers: {@link #compute} allocates nothing. Not thread-safe; one per
 * stream.
 */
public final class KaldiFbank {
    /** Samples per frame (25 ms at 16 kHz). */
    public static final int FRAME_LENGTH = 400;
    /** Samples between frame starts (10 ms at 16 kHz). */
    public static final int FRAME_SHIFT = 160;
    /** Padded FFT size (the next power of two above the frame length, as Kaldi rounds). */
    public static final int FFT_SIZE = 512;
    /** Sample rate the features are defined at. */
    public static final int SAMPLE_RATE = 16000;

    private static final double PRE_EMPHASIS = 0.97;
    private static final float LOG_FLOOR = Math.ulp(1.0f);

    private final int bands;
    private final MelFilterBank filters;
    private final PowerSpectrum spectrum = new PowerSpectrum(FFT_SIZE);
    private final double[] window = poveyWindow();
    private final double[] re = new double[FRAME_LENGTH];
    private final float[] mel;

    /** Features with {@code bands} mel bands (80 for the embedding models Steno reads). */
    public KaldiFbank(int bands) {
        this.bands = bands;
        this.filters = MelFilterBank.kaldi(bands, FFT_SIZE, SAMPLE_RATE, 20, 0);
        this.mel = new float[bands];
    }

    /** Mel bands per frame. */
    public int bands() {
        return bands;
    }

    /** Whole frames in {@code samples} samples ({@code snip_edges}: a partial last frame is dropped). */
    public static int frameCount(int samples) {
        return samples < FRAME_LENGTH ? 0 : 1 + (samples - FRAME_LENGTH) / FRAME_SHIFT;
    }

    /**
     * Computes the log mel frames of {@code samples[offset .. offset+length)}, each sample multiplied by
     * {@code scale} first (32768 for models trained on int16-range audio, 1 for [-1, 1]).
     *
     * @param out receives {@link #frameCount(int) frameCount(length)} rows of {@link #bands()} values, row-major,
     *            from {@code outOffset}
     * @return the number of frames written
     */
    public int compute(float[] samples, int offset, int length, float scale, float[] out, int outOffset) {
        int frames = frameCount(length);
        if (out.length < outOffset + frames * bands) {
            throw new IllegalArgumentException("need room for " + frames + " x " + bands + " features");
        }
        for (int f = 0; f < frames; f++) {
            frame(samples, offset + f * FRAME_SHIFT, scale, out, outOffset + f * bands);
        }
        return frames;
    }

    private void frame(float[] samples, int start, float scale, float[] out, int outOffset) {
        double mean = 0;
        for (int i = 0; i < FRAME_LENGTH; i++) {
            double v = samples[start + i] * (double) scale;
            re[i] = v;
            mean += v;
        }
        mean /= FRAME_LENGTH;
        for (int i = 0; i < FRAME_LENGTH; i++) {
            re[i] -= mean;
        }
        // pre-emphasis runs backwards so each sample still sees its unmodified predecessor; Kaldi treats the
        // sample before the first as the first itself
        for (int i = FRAME_LENGTH - 1; i > 0; i--) {
            re[i] -= PRE_EMPHASIS * re[i - 1];
        }
        re[0] -= PRE_EMPHASIS * re[0];
        for (int i = 0; i < FRAME_LENGTH; i++) {
            re[i] *= window[i];
        }
        filters.apply(spectrum.of(re, FRAME_LENGTH), mel);
        for (int b = 0; b < bands; b++) {
            out[outOffset + b] = (float) Math.log(Math.max(mel[b], LOG_FLOOR));
        }
    }

    /**
     * Per-utterance mean normalisation (WeSpeaker's CMN, 3D-Speaker's "global-mean"): subtracts from every band its
     * mean over {@code frames} rows of {@code bands} values starting at {@code offset}. Allocation-free.
     */
    public static void subtractMean(float[] features, int offset, int frames, int bands) {
        if (frames == 0) {
            return;
        }
        for (int b = 0; b < bands; b++) {
            double sum = 0;
            for (int f = 0; f < frames; f++) {
                sum += features[offset + f * bands + b];
            }
            float mean = (float) (sum / frames);
            for (int f = 0; f < frames; f++) {
                features[offset + f * bands + b] -= mean;
            }
        }
    }

    private static double[] poveyWindow() {
        double[] w = new double[FRAME_LENGTH];
        for (int i = 0; i < FRAME_LENGTH; i++) {
            w[i] = Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / (FRAME_LENGTH - 1)), 0.85);
        }
        return w;
    }
}
