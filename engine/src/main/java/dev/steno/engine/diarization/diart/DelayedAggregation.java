package dev.steno.engine.diarization.diart;

import java.util.Arrays;

/**
 * diart's aggregation of overlapping windows: the global speaker activities of the last few windows, each on its own
 * frame grid, are averaged over the stretch they share, each weighted by a Hamming window laid over its own frames
 * (so a window counts most about its middle and little about its edges, where the segmentation model sees the least
 * context).
 *
 * <p>Windows start every step and their frames (every 270 samples for segmentation-3.0) do not line up from one
 * window to the next, so the result is read on a common grid of {@link #OUTPUT_SAMPLES}-sample output frames from the
 * stream's start: output frame {@code k} stands for its centre {@code k·160 + 80}, where each window's activity and
 * Hamming weight are interpolated linearly between its two nearest frames.
 *
 * <p>Holds at most {@code windows} windows (a ring): memory is bounded however long the stream. Not thread-safe.
 */
final class DelayedAggregation {
    /** Samples per output frame (10 ms at 16 kHz). */
    static final int OUTPUT_SAMPLES = 160;

    private final int capacity;
    private final int speakers;
    private final FrameTiming timing;
    private final int windowSamples;
    private final long[] starts;
    private final int[] frames;
    private final float[][] activity;
    private int count;
    private int next;

    /**
     * @param windows      how many windows to hold (latency / step)
     * @param maxFrames    the most frames per window
     * @param speakers     columns per frame (global speakers)
     * @param timing       where frames sit within a window
     * @param windowSamples a window's length; outside it a window says nothing
     */
    DelayedAggregation(int windows, int maxFrames, int speakers, FrameTiming timing, int windowSamples) {
        if (windows < 1) {
            throw new IllegalArgumentException("aggregating " + windows + " windows");
        }
        this.capacity = windows;
        this.speakers = speakers;
        this.timing = timing;
        this.windowSamples = windowSamples;
        this.starts = new long[windows];
        this.frames = new int[windows];
        this.activity = new float[windows][maxFrames * speakers];
    }

    /**
     * Adds the newest window, dropping the oldest when full.
     *
     * @param start  the window's first sample on the stream clock
     * @param values {@code frames x speakers}, row-major (copied)
     */
    void add(long start, float[] values, int frameCount) {
        starts[next] = start;
        frames[next] = frameCount;
        System.arraycopy(values, 0, activity[next], 0, frameCount * speakers);
        next = (next + 1) % capacity;
        count = Math.min(count + 1, capacity);
    }

    /**
     * The Hamming-weighted mean over the held windows that cover each output frame.
     *
     * @param firstFrame the first output frame
     * @param out        receives {@code frameCount x speakers}; 0 where no window covers a frame
     */
    void aggregate(long firstFrame, int frameCount, float[] out) {
        Arrays.fill(out, 0, frameCount * speakers, 0f);
        for (int k = 0; k < frameCount; k++) {
            double centre = (firstFrame + k) * (double) OUTPUT_SAMPLES + OUTPUT_SAMPLES / 2.0;
            double weightSum = 0;
            for (int w = 0; w < count; w++) {
                double local = centre - starts[w];
                int n = frames[w];
                if (local < 0 || local >= windowSamples || n == 0) {
                    continue;
                }
                double p = Math.max(0, Math.min(n - 1, timing.frameAt(local)));
                int lo = (int) Math.floor(p);
                int hi = Math.min(n - 1, lo + 1);
                double frac = p - lo;
                double h = n == 1 ? 1 : 0.54 - 0.46 * Math.cos(2 * Math.PI * p / (n - 1));
                weightSum += h;
                float[] a = activity[w];
                for (int s = 0; s < speakers; s++) {
                    double v = a[lo * speakers + s] * (1 - frac) + a[hi * speakers + s] * frac;
                    out[k * speakers + s] += (float) (h * v);
                }
            }
            if (weightSum > 0) {
                for (int s = 0; s < speakers; s++) {
                    out[k * speakers + s] /= (float) weightSum;
                }
            }
        }
    }
}
