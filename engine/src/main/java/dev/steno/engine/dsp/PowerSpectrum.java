package dev.steno.engine.dsp;

import java.util.Arrays;

/**
 * The power spectrum {@code |X[k]|²}, {@code k = 0 .. nFft/2}, of one windowed frame zero-padded to {@code nFft}
 * points, by {@link MixedRadixFft}: the step every short-time spectral front end (Kaldi fbank, Sortformer's mel, the
 * baseline's cepstra) takes between its window and its mel filter bank.
 *
 * <p>The squares are summed in double precision and rounded to float once, so callers that used to do this inline get
 * the same bits. An instance owns its FFT scratch buffers and its result array: {@link #of} allocates nothing. Not
 * thread-safe: one per stream.
 */
public final class PowerSpectrum {
    private final MixedRadixFft fft;
    private final double[] re;
    private final double[] im;
    private final double[] workRe;
    private final double[] workIm;
    private final float[] power;

    /**
     * Plans spectra of {@code nFft} points.
     *
     * @throws IllegalArgumentException when {@code nFft} has a prime factor other than 2, 3 and 5
     */
    public PowerSpectrum(int nFft) {
        fft = new MixedRadixFft(nFft);
        re = new double[nFft];
        im = new double[nFft];
        workRe = new double[nFft];
        workIm = new double[nFft];
        power = new float[nFft / 2 + 1];
    }

    /** The FFT length. */
    public int nFft() {
        return re.length;
    }

    /** Bins of a spectrum: {@code nFft/2 + 1}. */
    public int bins() {
        return power.length;
    }

    /**
     * The power spectrum of {@code frame[0 .. length)} followed by zeros up to {@link #nFft()} points.
     *
     * @return {@link #bins()} values in an array this instance reuses on the next call; {@code frame} is not changed
     * @throws IllegalArgumentException when {@code length} exceeds {@link #nFft()}
     */
    public float[] of(double[] frame, int length) {
        if (length < 0 || length > re.length) {
            throw new IllegalArgumentException("frame of " + length + " samples for an FFT of " + re.length);
        }
        System.arraycopy(frame, 0, re, 0, length);
        // the transform leaves its scratch in both buffers, so the padding and the imaginary part are refilled
        Arrays.fill(re, length, re.length, 0);
        Arrays.fill(im, 0);
        boolean inWork = fft.transform(re, im, workRe, workIm);
        double[] r = inWork ? workRe : re;
        double[] m = inWork ? workIm : im;
        for (int k = 0; k < power.length; k++) {
            power[k] = (float) (r[k] * r[k] + m[k] * m[k]);
        }
        return power;
    }
}
