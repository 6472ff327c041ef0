package dev.steno.engine.diarization.sortformer;

import dev.steno.engine.dsp.MelFilterBank;
import dev.steno.engine.dsp.PowerSpectrum;

/**
 * Sortformer's 128-band log-mel front end (NeMo's {@code AudioToMelSpectrogramPreprocessor} with the model's
 * settings), computed incrementally: audio may arrive in pieces of any size, and the frames equal those NeMo computes
 * over the whole file.
 *
 * <p>NeMo's recipe, per frame: the whole signal is pre-emphasised ({@code y[0] = x[0]},
 * {@code y[n] = x[n] - 0.97·x[n-1]}), padded with {@value #N_FFT}/2 zeros at both ends ({@code torch.stft} with
 * {@code center=True}, constant padding); frame {@code i} starts at {@code i·160} of the padded signal, is multiplied
 * by a symmetric Hann window of 400 ({@code torch.hann_window(400, periodic=False)}) centred in the 512 points, and
 * its power spectrum goes through {@code MelFilterBank.slaney(128, 512, 16000, 0, 8000)} and {@code ln(x + 2^-24)};
 * no dither (inference), no normalisation. A signal of {@code L} samples has {@code floor(L/160)} valid frames
 * (NeMo masks the last stft frame).
 *
 * <p>So frame {@code i} reads pre-emphasised samples {@code i·160-200 .. i·160+199} (zeros before the start): it is
 * emitted as soon as those have arrived, and {@link #finish} emits the rest with zeros after the end. Frames go to a
 * {@link FrameSink} as a reused array. Allocation-free after construction. Not thread-safe: one per stream.
 */
public final class SortformerMel {
    /** Sample rate the front end expects. */
    public static final int SAMPLE_RATE = 16000;
    /** Mel bands per frame. */
    public static final int BANDS = 128;
    /** Samples between frames (10 ms). */
    public static final int HOP = 160;
    /** Window length in samples (25 ms). */
    public static final int WINDOW = 400;
    /** FFT length; the window sits in its middle. */
    public static final int N_FFT = 512;

    private static final float PREEMPHASIS = 0.97f;
    private static final double LOG_GUARD = 0x1p-24;
    /** Samples a frame reaches before and after its hop position. */
    private static final int HALF_WINDOW = WINDOW / 2;
    private static final int WINDOW_OFFSET = (N_FFT - WINDOW) / 2;
    /** Room for pre-emphasised samples not yet consumed: a window plus a slice of input. */
    private static final int BUFFER = 4096;

    /** Receives each finished frame. */
    @FunctionalInterface
    public interface FrameSink {
        /**
         * One frame.
         *
         * @param index the frame's index from the stream's start (frame {@code i} is centred on {@code i·10 ms})
         * @param mel   {@value #BANDS} log-mel values; the array is reused after the call returns
         */
        void frame(long index, float[] mel);
    }

    private final PowerSpectrum spectrum = new PowerSpectrum(N_FFT);
    private final MelFilterBank bank = MelFilterBank.slaney(BANDS, N_FFT, SAMPLE_RATE, 0, SAMPLE_RATE / 2.0);
    private final double[] window = hann(WINDOW);
    /** The windowed frame centred in {@value #N_FFT} points; only the middle is ever written, the rest stays 0. */
    private final double[] padded = new double[N_FFT];
    private final float[] mel = new float[BANDS];
    /** Pre-emphasised samples from absolute index {@link #bufferStart} on. */
    private final float[] buffer = new float[BUFFER];
    private long bufferStart;
    private int buffered;
    private long samples;
    private long nextFrame;
    private float previous;
    private boolean finished;

    /** Symmetric Hann window ({@code periodic=False}): {@code 0.5 - 0.5·cos(2πn/(N-1))}. */
    static double[] hann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
        }
        return w;
    }

    /** Samples heard so far. */
    public long samples() {
        return samples;
    }

    /** Frames emitted so far. */
    public long frames() {
        return nextFrame;
    }

    /** Valid frames of a signal of {@code samples} samples, as NeMo counts them. */
    public static long framesFor(long samples) {
        return samples / HOP;
    }

    /**
     * Hears the next samples (16 kHz, any piece size, zero included) and emits every frame they complete.
     *
     * @throws IllegalStateException after {@link #finish}
     */
    public void accept(float[] audio, int offset, int length, FrameSink sink) {
        if (finished) {
            throw new IllegalStateException("the front end has finished");
        }
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            compact();
            int n = Math.min(end - pos, BUFFER - buffered);
            for (int i = 0; i < n; i++) {
                float x = audio[pos + i];
                // torch computes x[n] - 0.97·x[n-1] in float32; the very first sample stays as it is
                buffer[buffered + i] = samples + i == 0 ? x : x - PREEMPHASIS * previous;
                previous = x;
            }
            buffered += n;
            samples += n;
            pos += n;
            while (nextFrame * HOP + HALF_WINDOW <= samples) {
                emit(sink);
            }
        }
    }

    /** End of the stream: emits the remaining valid frames, reading zeros after the last sample. */
    public void finish(FrameSink sink) {
        if (finished) {
            return;
        }
        finished = true;
        long total = framesFor(samples);
        while (nextFrame < total) {
            compact();
            emit(sink);
        }
    }

    /** Drops samples no future frame reads, keeping the buffer's room for new input. */
    private void compact() {
        long keepFrom = nextFrame * HOP - HALF_WINDOW;
        int drop = (int) Math.max(0, Math.min(buffered, keepFrom - bufferStart));
        if (drop > 0) {
            System.arraycopy(buffer, drop, buffer, 0, buffered - drop);
            buffered -= drop;
            bufferStart += drop;
        }
    }

    private void emit(FrameSink sink) {
        long first = nextFrame * HOP - HALF_WINDOW;
        // torch.stft pads the 400-point window with 56 zeros on each side to 512
        for (int j = 0; j < WINDOW; j++) {
            long at = first + j;
            long rel = at - bufferStart;
            double x = at < 0 || rel >= buffered ? 0 : buffer[(int) rel];
            padded[WINDOW_OFFSET + j] = x * window[j];
        }
        bank.apply(spectrum.of(padded, N_FFT), mel);
        for (int b = 0; b < BANDS; b++) {
            mel[b] = (float) Math.log(mel[b] + LOG_GUARD);
        }
        sink.frame(nextFrame, mel);
        nextFrame++;
    }
}
