package dev.steno.engine.policy.alignatt;

import dev.steno.engine.whisper.CrossAttentionAlignment;
import java.util.Arrays;

/**
 * AlignAtt's most-attended frame of the newest token, computed incrementally over one step's decoding.
 *
 * <p>SimulStreaming takes, after every token, the alignment heads' cross-attention of all decoded positions,
 * z-normalises each frame along the token axis, median-filters (width 7) along frames, averages the heads, cuts to
 * the content frames and takes the argmax of the newest row. Only the newest row's result is used, so instead of
 * re-normalising the whole matrix per token this class keeps per-head running sums of each frame's values and
 * squares over the rows seen so far (in double) and normalises just the newest row: the same numbers at a cost
 * linear in the frames.
 *
 * <p>Not thread-safe; one per stream, reused across steps (buffers grow to the largest window).
 */
final class AttentionTracker {
    private final int heads;
    private int frames;
    private int rows;
    private double[][] sum = new double[0][];
    private double[][] sumSq = new double[0][];
    private float[] normalised = new float[0];
    private float[] filtered = new float[0];
    private float[] average = new float[0];
    /** One row of one head, read from the decoder. */
    private float[] row = new float[0];
    /** Per head, the newest row: the one {@link #mostAttended} normalises. */
    private float[][] lastRow = new float[0][];
    private final float[] window = new float[CrossAttentionAlignment.MEDIAN_FILTER_WIDTH];

    AttentionTracker(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("need at least one alignment head");
        }
        this.heads = heads;
    }

    /** Starts a step over {@code contentFrames} frames of real audio. */
    void start(int contentFrames) {
        if (contentFrames < 1) {
            throw new IllegalArgumentException("no content frames");
        }
        frames = contentFrames;
        rows = 0;
        if (!ensure(frames)) {
            for (int h = 0; h < heads; h++) {
                Arrays.fill(sum[h], 0, frames, 0);
                Arrays.fill(sumSq[h], 0, frames, 0);
            }
        }
    }

    /** Makes this tracker a copy of {@code other} (same heads): a beam forks. */
    void copyFrom(AttentionTracker other) {
        if (other.heads != heads) {
            throw new IllegalArgumentException("trackers of different head counts");
        }
        ensure(other.frames);
        frames = other.frames;
        rows = other.rows;
        for (int h = 0; h < heads; h++) {
            System.arraycopy(other.sum[h], 0, sum[h], 0, frames);
            System.arraycopy(other.sumSq[h], 0, sumSq[h], 0, frames);
        }
    }

    /** Grows the buffers to {@code n} frames; true when it allocated (then they are zero). */
    private boolean ensure(int n) {
        if (sum.length == heads && sum[0].length >= n) {
            return false;
        }
        sum = new double[heads][n];
        sumSq = new double[heads][n];
        normalised = new float[n];
        filtered = new float[n];
        average = new float[n];
        row = new float[n];
        lastRow = new float[heads][n];
        return true;
    }

    /** Rows added since {@link #start}. */
    int rows() {
        return rows;
    }

    /**
     * Adds every row of the decoder's last feed ({@code count} tokens) to the statistics; returns the most-attended
     * frame of the last of them (the position that predicts the next token).
     */
    int addFeed(AlignAttModel.Decoder decoder, int count) {
        for (int r = 0; r < count; r++) {
            for (int h = 0; h < heads; h++) {
                float[] a = r == count - 1 ? lastRow[h] : row;
                decoder.attention(h, r, a, frames);
                double[] s = sum[h];
                double[] q = sumSq[h];
                for (int f = 0; f < frames; f++) {
                    double v = a[f];
                    s[f] += v;
                    q[f] += v * v;
                }
            }
            rows++;
        }
        return mostAttended();
    }

    /** The most-attended frame of the newest row. */
    private int mostAttended() {
        Arrays.fill(average, 0, frames, 0f);
        for (int h = 0; h < heads; h++) {
            float[] a = lastRow[h];
            double[] s = sum[h];
            double[] q = sumSq[h];
            for (int f = 0; f < frames; f++) {
                double mean = s[f] / rows;
                double var = Math.max(0, q[f] / rows - mean * mean);
                double std = Math.sqrt(var);
                // a frame every row attends to equally has zero spread, up to the rounding noise of the one-pass
                // variance (about 1e-8 of the mean in double): normalise it to 0 as the exact computation would
                normalised[f] = std > 1e-6 * Math.abs(mean) && std > 0 ? (float) ((a[f] - mean) / std) : 0f;
            }
            CrossAttentionAlignment.medianFilter(normalised, frames, CrossAttentionAlignment.MEDIAN_FILTER_WIDTH,
                    filtered, window);
            for (int f = 0; f < frames; f++) {
                average[f] += filtered[f];
            }
        }
        int best = 0;
        for (int f = 1; f < frames; f++) {
            if (average[f] > average[best]) {
                best = f;
            }
        }
        return best;
    }
}
