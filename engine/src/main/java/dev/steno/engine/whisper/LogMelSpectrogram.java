package dev.steno.engine.whisper;

import dev.steno.engine.dsp.MixedRadixFft;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Whisper's log-mel spectrogram, the encoder's input, computed the way OpenAI Whisper ({@code audio.py
 * log_mel_spectrogram}) and whisper.cpp ({@code log_mel_spectrogram} behind {@code whisper_pcm_to_mel}) compute it.
 *
 * <h2>Algorithm</h2>
 * For 16 kHz mono samples {@code x[0..n)}:
 * <ol>
 * <li>Reflect-pad 200 samples ({@code N_FFT / 2}) at the start: padded {@code [-i] = x[i]} for {@code i = 1..200}
 * (torch {@code stft(center=True, pad_mode="reflect")}; whisper.cpp does the same with {@code reverse_copy}).</li>
 * <li>Frame {@code t} covers padded samples {@code [160 t - 200, 160 t + 200)} (hop 160, 400-sample window),
 * multiplied by the periodic Hann window {@code 0.5 - 0.5 cos(2 pi j / 400)}.</li>
 * <li>Power {@code |X[k]|^2} of the 400-point DFT for the 201 bins {@code k = 0..200}, then
 * {@code mel[m] = sum_k filters[m][k] * power[k]} and {@code log10(max(mel, 1e-10))}.</li>
 * <li>Frame count: torch yields {@code 1 + len / 160} frames and Whisper drops the last one, so {@code len / 160}
 * frames (integer division).</li>
 * <li>Clamp every value to at least {@code max - 8}, where {@code max} is taken over the whole spectrogram computed
 * in step 4, then map {@code v -> (v + 4) / 4}.</li>
 * </ol>
 *
 * <h2>The two entry points</h2>
 * <ul>
 * <li>{@link #compute(float[])}: the audio as given ({@code log_mel_spectrogram(audio, padding=0)}): reflect padding at
 * both ends, {@code n / 160} frames, max over those frames. Needs {@code n > 200} (torch's reflect padding refuses
 * shorter input) or {@code n == 0}.</li>
 * <li>{@link #computeWindow(float[], int)}: the encoder window, following whisper.cpp's {@code whisper_pcm_to_mel}:
 * the audio is followed by 30 s (480000 samples) of zeros, giving {@link #paddedFrameCount(int)}
 * {@code = (n + 480000) / 160} frames; the end padding of step 1 therefore reflects zeros, and the clamp max is taken
 * over <em>all</em> these frames (so also over frames of audio past the returned window, and over the all-zero
 * frames, whose value is {@code log10(1e-10) = -10}). The first {@code nFrames} frames are returned. This is the same
 * spectrogram OpenAI computes ({@code log_mel_spectrogram(audio, padding=N_SAMPLES)}, max over the full padded mel,
 * then {@code pad_or_trim} to 3000 frames); whisper.cpp is followed where the two could differ because our
 * equivalence tests compare with whisper.cpp. Known float-level differences: whisper.cpp runs the FFT in float, this
 * class in double; both accumulate the mel sums in double. For audio of 200 samples or fewer whisper.cpp's
 * {@code reverse_copy(samples + 1, samples + 201, ...)} reads past the input; here the start reflection reads the
 * zero-padded signal instead (what torch does on {@code audio + zeros}), so missing samples count as zeros.</li>
 * </ul>
 *
 * <h2>Frame counts</h2>
 * A full Whisper window is {@link #CHUNK_FRAMES} = 3000 mel frames (30 s); the encoder's second convolution has
 * stride 2, so it yields {@code melFrames / 2} = 1500 positions ({@link #encoderFrames(int)}). To shrink the encoder
 * window for short audio (whisper.cpp's {@code audio_ctx}), take {@link #shrunkMelFrames(int)} frames: the
 * {@code ceil(n / 160)} frames whose centres lie inside the audio, rounded up to an even count, at most 3000. The
 * values are those of the full window (same clamp max); only fewer columns are kept.
 *
 * <h2>Layout</h2>
 * {@code float[nMels][frames]} ({@code mel[m][t]}), or flat row-major {@code [m * frames + t]} from the
 * {@code *Flat} methods, which is what a conv1 over time reads contiguously per input channel.
 *
 * <h2>Implementation</h2>
 * The 400-point real DFT is one 200-point complex mixed-radix FFT (4 * 2 * 5 * 5, double precision) plus the
 * real-input split; the mel filters are applied over their non-zero bin ranges only. All-zero frames are not
 * transformed. Per-frame work allocates nothing. An instance is immutable and thread-safe; with {@code threads > 1}
 * frames are split over the common fork-join pool.
 */
public final class LogMelSpectrogram {
    /** Input sample rate. */
    public static final int SAMPLE_RATE = 16_000;
    /** DFT length and window length. */
    public static final int N_FFT = 400;
    /** Samples between frames. */
    public static final int HOP_LENGTH = 160;
    /** Frequency bins of the one-sided power spectrum. */
    public static final int N_BINS = N_FFT / 2 + 1;
    /** Samples in a 30 s Whisper window (also the zero padding appended before the window spectrogram). */
    public static final int CHUNK_SAMPLES = 30 * SAMPLE_RATE;
    /** Mel frames in a 30 s Whisper window. */
    public static final int CHUNK_FRAMES = CHUNK_SAMPLES / HOP_LENGTH;
    /** Value of every cell when the whole padded input is digital silence: {@code (log10(1e-10) + 4) / 4}. */
    public static final float SILENCE_VALUE = -1.5f;

    private static final int HALF = N_FFT / 2;
    private static final double LOG_FLOOR_POWER = 1e-10;
    private static final float ZERO_FRAME_LOG = -10f;
    private static final int MIN_FRAMES_PER_TASK = 64;

    private final int nMels;
    private final int threads;
    private final int[] melLo;
    private final float[][] melWeights;
    private final double[] window;
    private final double[] splitRe;
    private final double[] splitIm;
    private final MixedRadixFft fft = new MixedRadixFft(HALF);

    /** Sequential spectrogram over {@code filters}, which must span {@value #N_BINS} bins. */
    public LogMelSpectrogram(WhisperMelFilters filters) {
        this(filters, 1);
    }

    /**
     * Spectrogram over {@code filters}; with {@code threads > 1} the frames of one call are split into up to that many
     * tasks on the common fork-join pool.
     */
    public LogMelSpectrogram(WhisperMelFilters filters, int threads) {
        if (filters.nFft() != N_BINS) {
            throw new IllegalArgumentException("mel filters span " + filters.nFft() + " bins, need " + N_BINS);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads);
        }
        this.threads = threads;
        nMels = filters.nMel();
        melLo = new int[nMels];
        melWeights = new float[nMels][];
        for (int m = 0; m < nMels; m++) {
            int lo = 0;
            while (lo < N_BINS && filters.get(m, lo) == 0f) {
                lo++;
            }
            int hi = N_BINS;
            while (hi > lo && filters.get(m, hi - 1) == 0f) {
                hi--;
            }
            melLo[m] = lo;
            melWeights[m] = new float[hi - lo];
            for (int k = lo; k < hi; k++) {
                melWeights[m][k - lo] = filters.get(m, k);
            }
        }
        window = new double[N_FFT];
        for (int j = 0; j < N_FFT; j++) {
            window[j] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * j / N_FFT);
        }
        splitRe = new double[HALF + 1];
        splitIm = new double[HALF + 1];
        for (int k = 0; k <= HALF; k++) {
            splitRe[k] = Math.cos(-2.0 * Math.PI * k / N_FFT);
            splitIm[k] = Math.sin(-2.0 * Math.PI * k / N_FFT);
        }
    }

    /** Mel bands (rows) of every result. */
    public int nMels() {
        return nMels;
    }

    /** {@code new LogMelSpectrogram(filters).compute(audio16k)}. */
    public static float[][] compute(float[] audio16k, WhisperMelFilters filters) {
        return new LogMelSpectrogram(filters).compute(audio16k);
    }

    /** {@code new LogMelSpectrogram(filters).computeWindow(audio16k, nFrames)}. */
    public static float[][] computeWindow(float[] audio16k, WhisperMelFilters filters, int nFrames) {
        return new LogMelSpectrogram(filters).computeWindow(audio16k, nFrames);
    }

    /**
     * Log-mel of the audio as given (reflect padding at both ends, no zero padding): {@code audio16k.length / 160}
     * frames, {@code [mel][frame]}.
     *
     * @throws IllegalArgumentException if {@code 0 < audio16k.length <= 200}
     */
    public float[][] compute(float[] audio16k) {
        int frames = audio16k.length / HOP_LENGTH;
        return toRows(computeFlat(audio16k), frames);
    }

    /** {@link #compute(float[])} flat, row-major {@code [mel * frames + frame]} with {@code frames = n / 160}. */
    public float[] computeFlat(float[] audio16k) {
        int n = audio16k.length;
        if (n > 0 && n <= HALF) {
            throw new IllegalArgumentException("reflect padding needs more than " + HALF + " samples, got " + n);
        }
        int frames = n / HOP_LENGTH;
        float[] out = new float[nMels * frames];
        float max = run(audio16k, n, true, frames, frames, out);
        normalize(out, out.length, frames == 0 ? 0f : max);
        return out;
    }

    /**
     * The Whisper encoder window: log-mel of the audio followed by 30 s of zeros (whisper.cpp's
     * {@code whisper_pcm_to_mel}), clamp max over all {@link #paddedFrameCount(int)} frames, first {@code nFrames}
     * frames returned, {@code [mel][frame]}. Use {@link #CHUNK_FRAMES} for a full window or
     * {@link #shrunkMelFrames(int)} for a shrunk one.
     *
     * @throws IllegalArgumentException if {@code nFrames} is negative or above {@link #paddedFrameCount(int)}
     */
    public float[][] computeWindow(float[] audio16k, int nFrames) {
        return toRows(computeWindowFlat(audio16k, nFrames), nFrames);
    }

    /** {@link #computeWindow(float[], int)} flat, row-major {@code [mel * nFrames + frame]}. */
    public float[] computeWindowFlat(float[] audio16k, int nFrames) {
        // a negative count is refused by the call with the frame-count message
        return computeWindowFlat(audio16k, audio16k.length, nFrames, new float[nMels * Math.max(0, nFrames)]);
    }

    /**
     * As {@link #computeWindowFlat(float[], int)} for the first {@code length} samples, written into {@code out} (at
     * least {@code n_mels * nFrames} values), so that a stream re-encoding its window every step allocates nothing.
     *
     * @return {@code out}
     */
    public float[] computeWindowFlat(float[] audio16k, int length, int nFrames, float[] out) {
        Objects.checkFromIndexSize(0, length, audio16k.length);
        int n = length;
        int total = paddedFrameCount(n);
        if (nFrames < 0 || nFrames > total) {
            throw new IllegalArgumentException("nFrames " + nFrames + " outside 0.." + total);
        }
        if (out.length < nMels * nFrames) {
            throw new IllegalArgumentException("out holds " + out.length + " values, needs " + nMels * nFrames);
        }
        // frames at or past this one see only the zero padding; their value is log10(1e-10) = -10
        int audible = (int) Math.min(total, ((long) n + HALF + HOP_LENGTH - 1) / HOP_LENGTH);
        float max = run(audio16k, n, false, audible, nFrames, out);
        if (audible < total) {
            max = Math.max(max, ZERO_FRAME_LOG);
            for (int m = 0; m < nMels; m++) {
                Arrays.fill(out, m * nFrames + Math.min(audible, nFrames), (m + 1) * nFrames, ZERO_FRAME_LOG);
            }
        }
        normalize(out, nMels * nFrames, max);
        return out;
    }

    /** Frames of the 30-s-padded spectrogram of {@code nSamples} samples: {@code (nSamples + 480000) / 160}. */
    public static int paddedFrameCount(int nSamples) {
        if (nSamples < 0) {
            throw new IllegalArgumentException("nSamples " + nSamples);
        }
        return (int) (((long) nSamples + CHUNK_SAMPLES) / HOP_LENGTH);
    }

    /**
     * Mel frames of a shrunk encoder window for {@code nSamples} of audio: {@code ceil(nSamples / 160)} rounded up to
     * an even number (the encoder halves it), at least 2, at most {@link #CHUNK_FRAMES}.
     */
    public static int shrunkMelFrames(int nSamples) {
        if (nSamples < 0) {
            throw new IllegalArgumentException("nSamples " + nSamples);
        }
        long frames = ((long) nSamples + HOP_LENGTH - 1) / HOP_LENGTH;
        frames = Math.max(2, (frames + 1) & ~1L);
        return (int) Math.min(CHUNK_FRAMES, frames);
    }

    /** Encoder positions for {@code melFrames} mel frames: {@code melFrames / 2} (conv2 has stride 2). */
    public static int encoderFrames(int melFrames) {
        if (melFrames < 0) {
            throw new IllegalArgumentException("melFrames " + melFrames);
        }
        return melFrames / 2;
    }

    /**
     * Computes log10 mel values of frames {@code [0, computeFrames)}, storing those below {@code storeFrames} into
     * {@code out} (row stride {@code storeFrames}); returns their max ({@code -inf} when none).
     */
    private float run(float[] audio, int n, boolean reflectEnd, int computeFrames, int storeFrames, float[] out) {
        int tasks = (int) Math.min(threads, Math.max(1, computeFrames / MIN_FRAMES_PER_TASK));
        if (tasks <= 1) {
            return runRange(audio, n, reflectEnd, 0, computeFrames, storeFrames, out);
        }
        double[] maxes = IntStream.range(0, tasks).parallel().mapToDouble(task -> {
            int from = (int) ((long) computeFrames * task / tasks);
            int to = (int) ((long) computeFrames * (task + 1) / tasks);
            return runRange(audio, n, reflectEnd, from, to, storeFrames, out);
        }).toArray();
        double max = Double.NEGATIVE_INFINITY;
        for (double v : maxes) {
            max = Math.max(max, v);
        }
        return (float) max;
    }

    private float runRange(float[] audio, int n, boolean reflectEnd, int from, int to, int storeFrames, float[] out) {
        double[] re = new double[HALF];
        double[] im = new double[HALF];
        double[] workRe = new double[HALF];
        double[] workIm = new double[HALF];
        double[] power = new double[N_BINS];
        float[] frameLog = new float[nMels];
        float max = Float.NEGATIVE_INFINITY;
        for (int t = from; t < to; t++) {
            int start = t * HOP_LENGTH - HALF;
            if (start >= 0 && start + N_FFT <= n) {
                for (int k = 0; k < HALF; k++) {
                    re[k] = audio[start + 2 * k] * window[2 * k];
                    im[k] = audio[start + 2 * k + 1] * window[2 * k + 1];
                }
            } else {
                for (int k = 0; k < HALF; k++) {
                    re[k] = sample(audio, n, start + 2 * k, reflectEnd) * window[2 * k];
                    im[k] = sample(audio, n, start + 2 * k + 1, reflectEnd) * window[2 * k + 1];
                }
            }
            powerSpectrum(re, im, workRe, workIm, power);
            for (int m = 0; m < nMels; m++) {
                float[] w = melWeights[m];
                int lo = melLo[m];
                double sum = 0.0;
                for (int k = 0; k < w.length; k++) {
                    sum += power[lo + k] * w[k];
                }
                float v = (float) Math.log10(Math.max(sum, LOG_FLOOR_POWER));
                frameLog[m] = v;
                if (v > max) {
                    max = v;
                }
            }
            if (t < storeFrames) {
                for (int m = 0; m < nMels; m++) {
                    out[m * storeFrames + t] = frameLog[m];
                }
            }
        }
        return max;
    }

    /** Padded sample at audio index {@code i}: reflect before 0; past the end reflect or zero. */
    private static float sample(float[] audio, int n, int i, boolean reflectEnd) {
        if (i < 0) {
            i = -i;
            return i < n ? audio[i] : 0f;
        }
        if (i < n) {
            return audio[i];
        }
        if (!reflectEnd) {
            return 0f;
        }
        int r = 2 * (n - 1) - i;
        return r >= 0 ? audio[r] : 0f;
    }

    /**
     * One-sided power spectrum of the 400 real samples packed as {@code re[k] = x[2k], im[k] = x[2k+1]}: a 200-point
     * complex FFT {@code Z}, then {@code X[k] = E[k] + W^k O[k]} with {@code E = (Z[k] + conj Z[200-k]) / 2},
     * {@code O = -i (Z[k] - conj Z[200-k]) / 2}, {@code W = exp(-2 pi i / 400)}.
     */
    private void powerSpectrum(double[] re, double[] im, double[] workRe, double[] workIm, double[] power) {
        boolean inWork = fft.transform(re, im, workRe, workIm);
        double[] zr = inWork ? workRe : re;
        double[] zi = inWork ? workIm : im;
        for (int k = 0; k <= HALF; k++) {
            int a = k == HALF ? 0 : k;
            int b = k == 0 ? 0 : HALF - k;
            double ar = zr[a];
            double ai = zi[a];
            double br = zr[b];
            double bi = -zi[b];
            double er = 0.5 * (ar + br);
            double ei = 0.5 * (ai + bi);
            double dr = 0.5 * (ar - br);
            double di = 0.5 * (ai - bi);
            // O = -i * d
            double or = di;
            double oi = -dr;
            double wr = splitRe[k];
            double wi = splitIm[k];
            double xr = er + or * wr - oi * wi;
            double xi = ei + or * wi + oi * wr;
            power[k] = xr * xr + xi * xi;
        }
    }

    private static void normalize(float[] logMel, int count, float max) {
        float floor = max - 8.0f;
        for (int i = 0; i < count; i++) {
            float v = logMel[i];
            if (v < floor) {
                v = floor;
            }
            logMel[i] = (v + 4.0f) / 4.0f;
        }
    }

    private float[][] toRows(float[] flat, int frames) {
        float[][] rows = new float[nMels][];
        for (int m = 0; m < nMels; m++) {
            rows[m] = Arrays.copyOfRange(flat, m * frames, (m + 1) * frames);
        }
        return rows;
    }
}
