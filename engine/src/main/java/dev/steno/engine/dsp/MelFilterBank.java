package dev.steno.engine.dsp;

import java.util.Arrays;

/**
 * Triangular mel filters over the bins {@code 0..nFft/2} of a power spectrum: the one home of mel scales for the
 * engine's diarization front ends (Whisper's filters come from its model file).
 *
 * <p>Two designs: {@link #slaney} (librosa's default, {@code htk=False, norm="slaney"}: linear below 1 kHz, log
 * above, each triangle scaled to unit area; NeMo's front end) and {@link #kaldi} (Kaldi's fbank: mel = 1127·ln(1 +
 * f/700), triangles drawn on the mel axis, unscaled, the Nyquist bin unused; WeSpeaker and 3D-Speaker features).
 *
 * @param bands   number of mel bands
 * @param bins    number of spectrum bins the filters read ({@code nFft/2 + 1})
 * @param weights {@code bands x bins}, row-major
 */
public record MelFilterBank(int bands, int bins, float[] weights) {
    public MelFilterBank {
        if (bands < 1 || bins < 2 || weights.length != bands * bins) {
            throw new IllegalArgumentException("filter bank " + bands + " x " + bins + " with " + weights.length
                    + " weights");
        }
    }

    /** librosa/NeMo Slaney filters for an {@code nFft}-point spectrum at {@code sampleRate}, {@code fMin..fMax} Hz. */
    public static MelFilterBank slaney(int bands, int nFft, int sampleRate, double fMin, double fMax) {
        int bins = nFft / 2 + 1;
        double melMin = hzToSlaney(fMin);
        double melMax = hzToSlaney(fMax);
        double[] edges = new double[bands + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = slaneyToHz(melMin + (melMax - melMin) * i / (bands + 1));
        }
        float[] w = new float[bands * bins];
        for (int b = 0; b < bands; b++) {
            double lo = edges[b];
            double mid = edges[b + 1];
            double hi = edges[b + 2];
            double norm = 2.0 / (hi - lo);
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRate / nFft;
                double rise = (f - lo) / (mid - lo);
                double fall = (hi - f) / (hi - mid);
                double v = Math.max(0, Math.min(rise, fall));
                w[b * bins + k] = (float) (v * norm);
            }
        }
        return new MelFilterBank(bands, bins, w);
    }

    /**
     * Kaldi fbank filters for an {@code nFft}-point (padded) frame at {@code sampleRate}, {@code lowHz..highHz}
     * ({@code highHz <= 0} means that much below Nyquist, as Kaldi's {@code high-freq}).
     */
    public static MelFilterBank kaldi(int bands, int nFft, int sampleRate, double lowHz, double highHz) {
        int bins = nFft / 2 + 1;
        double nyquist = sampleRate / 2.0;
        double high = highHz <= 0 ? nyquist + highHz : highHz;
        if (!(lowHz >= 0 && high > lowHz && high <= nyquist)) {
            throw new IllegalArgumentException("mel range " + lowHz + ".." + high + " Hz outside 0.." + nyquist);
        }
        double melLow = kaldiMel(lowHz);
        double melHigh = kaldiMel(high);
        double delta = (melHigh - melLow) / (bands + 1);
        double binHz = (double) sampleRate / nFft;
        float[] w = new float[bands * bins];
        for (int b = 0; b < bands; b++) {
            double left = melLow + b * delta;
            double centre = left + delta;
            double right = centre + delta;
            // Kaldi reads bins 0..nFft/2-1; the Nyquist bin keeps weight 0
            for (int k = 0; k < bins - 1; k++) {
                double mel = kaldiMel(binHz * k);
                if (mel > left && mel < right) {
                    w[b * bins + k] = (float) (mel <= centre ? (mel - left) / delta : (right - mel) / delta);
                }
            }
        }
        return new MelFilterBank(bands, bins, w);
    }

    /** {@code out[b] = Σ_k weights[b][k]·power[k]}. Allocation-free. */
    public void apply(float[] power, float[] out) {
        if (power.length < bins || out.length < bands) {
            throw new IllegalArgumentException("need " + bins + " bins in and " + bands + " bands out");
        }
        for (int b = 0; b < bands; b++) {
            double sum = 0;
            int row = b * bins;
            for (int k = 0; k < bins; k++) {
                sum += weights[row + k] * power[k];
            }
            out[b] = (float) sum;
        }
    }

    /** A copy of one band's weights. */
    public float[] band(int b) {
        return Arrays.copyOfRange(weights, b * bins, (b + 1) * bins);
    }

    static double kaldiMel(double hz) {
        return 1127.0 * Math.log(1 + hz / 700.0);
    }

    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    static double hzToSlaney(double hz) {
        return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
    }

    static double slaneyToHz(double mel) {
        return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
    }
}
