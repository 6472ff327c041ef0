package dev.steno.engine.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * The output stage shared by the Opus decoders: 48 kHz 16-bit PCM (or silence) in, 16 kHz float audio out, clamped to
 * [-1, 1] and handed to a sink as it comes. The resampler holds back a few milliseconds of look-ahead until
 * {@link #end}. Buffers are preallocated: nothing is allocated per call. Not thread-safe.
 */
public final class Opus16kOutput {
    /** Input rate: what Opus decodes to here. */
    public static final int INPUT_RATE = 48_000;
    /** Output rate. */
    public static final int OUTPUT_RATE = 16_000;
    /** Most samples one {@link #pcm} call takes: 120 ms, the longest Opus packet. */
    public static final int MAX_FRAME = 5760;

    private final Resampler resampler = new Resampler(INPUT_RATE, OUTPUT_RATE);
    private final AudioSink sink;
    private final float[] wide = new float[MAX_FRAME];
    private final float[] out = new float[resampler.maxOutput(MAX_FRAME)];
    private boolean wideIsSilence;
    private long delivered;

    /** @param sink receives the 16 kHz samples; it must copy what it keeps */
    public Opus16kOutput(AudioSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Converts and delivers {@code pcm[from, from + n)}, at most {@link #MAX_FRAME} samples. */
    public void pcm(short[] pcm, int from, int n) {
        if (n > MAX_FRAME) {
            throw new IllegalArgumentException(n + " samples in one call; at most " + MAX_FRAME);
        }
        for (int i = 0; i < n; i++) {
            wide[i] = pcm[from + i] * (1f / 32768f);
        }
        wideIsSilence = false;
        resample(n);
    }

    /** Delivers {@code samples} of silence (48 kHz samples). */
    public void silence(long samples) {
        if (!wideIsSilence) {
            Arrays.fill(wide, 0f);
            wideIsSilence = true;
        }
        while (samples > 0) {
            int n = (int) Math.min(samples, MAX_FRAME);
            resample(n);
            samples -= n;
        }
    }

    /** Delivers the look-ahead the resampler held back; the output must not be used afterwards. */
    public void end() {
        deliver(resampler.flush(out, 0));
    }

    /** 16 kHz samples delivered so far. */
    public long delivered() {
        return delivered;
    }

    private void resample(int n) {
        if (n > 0) {
            deliver(resampler.process(wide, 0, n, out, 0));
        }
    }

    private void deliver(int n) {
        if (n > 0) {
            // Decoded Opus and the resampler's ripple can overshoot full scale slightly; the sink is promised [-1, 1].
            for (int i = 0; i < n; i++) {
                out[i] = Math.clamp(out[i], -1f, 1f);
            }
            delivered += n;
            sink.accept(out, 0, n);
        }
    }
}
