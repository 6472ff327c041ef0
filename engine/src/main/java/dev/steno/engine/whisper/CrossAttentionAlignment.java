package dev.steno.engine.whisper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the cross-attention of the {@link AlignmentHeads} into token times: OpenAI's {@code find_alignment}
 * (word timestamps) and SimulStreaming's most-attended frame (AlignAtt), without any model.
 *
 * <p>Pipeline ({@link #alignmentMatrix}): for every head, keep the first {@code contentFrames} encoder frames (the
 * rest is the zero padding of the 30 s window), z-normalise each frame over the token axis (so a frame counts for
 * the token that attends to it <em>more than the other tokens do</em>, which removes heads' constant attention
 * sinks), median-filter each token's row along the frames (width 7, removing single-frame spikes), and average the
 * heads. The result, one row per token and one column per 20 ms encoder frame, feeds
 * <ul>
 *   <li>{@link #mostAttendedFrame}: argmax of one row, AlignAtt's position of the newest token;</li>
 *   <li>{@link #dtw}: a monotonic token-to-frame path through the negated matrix, giving each token a start
 *       ({@link #tokenTimings}).</li>
 * </ul>
 *
 * <p>Rows are whatever decoder positions the caller passes. OpenAI normalises over the whole decoder input (start
 * sequence, text, end-of-text) and then aligns the rows that predict the text tokens and end-of-text; SimulStreaming
 * normalises over all decoded positions, prompt included. Passing many rows matters: with a single row the
 * standard deviation is zero and the row normalises to all zeros. Where OpenAI would divide by zero (NaN) this class
 * writes 0, so one flat frame cannot poison the median filter or the DTW.
 *
 * <p>One difference from SimulStreaming: it median-filters all 1500 frames and cuts to the content afterwards, so
 * its last three content frames see padding frames; here the cut comes first (as in OpenAI's timing code), so the
 * reflect padding of the filter mirrors real audio. Only the last 60 ms can differ.
 *
 * <p>Stateless and thread-safe; each call allocates its result plus a few row-sized scratch arrays.
 */
public final class CrossAttentionAlignment {
    /** Seconds per encoder frame (Whisper's {@code TOKENS_PER_SECOND} is 50). */
    public static final double SECONDS_PER_FRAME = 0.02;
    /** OpenAI's and SimulStreaming's median filter width. */
    public static final int MEDIAN_FILTER_WIDTH = 7;

    private CrossAttentionAlignment() {
    }

    /**
     * A monotonic alignment path: point {@code k} pairs token (row) {@code tokens[k]} with frame {@code frames[k]}.
     * It starts at (0, 0), ends at (last token, last frame), and each step advances the token, the frame or both
     * by one.
     */
    public record DtwPath(int[] tokens, int[] frames) {
        /** Number of points. */
        public int length() {
            return tokens.length;
        }

        /**
         * Each token's first frame on the path (where the path jumps to the token): OpenAI's {@code jump_times}.
         * Length: number of tokens.
         */
        public int[] tokenStartFrames() {
            int tokenCount = tokens.length == 0 ? 0 : tokens[tokens.length - 1] + 1;
            int[] starts = new int[tokenCount];
            int previous = -1;
            for (int k = 0; k < tokens.length; k++) {
                if (tokens[k] != previous) {
                    starts[tokens[k]] = frames[k];
                    previous = tokens[k];
                }
            }
            return starts;
        }
    }

    /** {@link #alignmentMatrix(float[][][], int, int)} with the standard median filter width of 7. */
    public static float[][] alignmentMatrix(float[][][] weights, int contentFrames) {
        return alignmentMatrix(weights, contentFrames, MEDIAN_FILTER_WIDTH);
    }

    /**
     * The head-averaged, normalised, filtered attention matrix.
     *
     * @param weights       cross-attention softmax weights {@code [head][token][frame]} of the alignment heads; every
     *                      row at least {@code min(contentFrames, weights[0][0].length)} long (longer rows are cut)
     * @param contentFrames encoder frames holding real audio (audio samples / 320); frames from here on are ignored
     * @param medianWidth   odd median filter width along frames (1 disables the filter)
     * @return {@code [token][frame]}, {@code frame < min(contentFrames, row length)}
     */
    public static float[][] alignmentMatrix(float[][][] weights, int contentFrames, int medianWidth) {
        if (weights.length == 0 || weights[0].length == 0) {
            throw new IllegalArgumentException("need at least one head and one token");
        }
        if (contentFrames <= 0) {
            throw new IllegalArgumentException("contentFrames must be positive: " + contentFrames);
        }
        if (medianWidth <= 0 || medianWidth % 2 == 0) {
            throw new IllegalArgumentException("median filter width must be odd and positive: " + medianWidth);
        }
        int heads = weights.length;
        int tokens = weights[0].length;
        int frames = Math.min(contentFrames, weights[0][0].length);
        for (float[][] head : weights) {
            if (head.length != tokens) {
                throw new IllegalArgumentException("heads disagree on the token count");
            }
            for (float[] row : head) {
                if (row.length < frames) {
                    throw new IllegalArgumentException("row of " + row.length + " frames, need " + frames);
                }
            }
        }

        float[][] matrix = new float[tokens][frames];
        float[] mean = new float[frames];
        float[] invStd = new float[frames];
        float[] normalised = new float[frames];
        float[] filtered = new float[frames];
        float[] window = new float[medianWidth];
        for (float[][] head : weights) {
            zStatistics(head, frames, mean, invStd);
            for (int t = 0; t < tokens; t++) {
                float[] row = head[t];
                for (int f = 0; f < frames; f++) {
                    normalised[f] = (row[f] - mean[f]) * invStd[f];
                }
                medianFilter(normalised, frames, medianWidth, filtered, window);
                float[] out = matrix[t];
                for (int f = 0; f < frames; f++) {
                    out[f] += filtered[f];
                }
            }
        }
        float scale = 1f / heads;
        for (float[] out : matrix) {
            for (int f = 0; f < frames; f++) {
                out[f] *= scale;
            }
        }
        return matrix;
    }

    /**
     * Per-frame mean and reciprocal population standard deviation over the tokens of one head (torch
     * {@code std_mean(dim=-2, unbiased=False)}). A frame with zero spread gets {@code invStd = 0}, so it normalises to
     * zeros instead of NaN.
     */
    static void zStatistics(float[][] head, int frames, float[] mean, float[] invStd) {
        int tokens = head.length;
        for (int f = 0; f < frames; f++) {
            // two passes in double: attention weights are tiny (1/1500 on average), one-pass variance would cancel
            double sum = 0;
            for (float[] row : head) {
                sum += row[f];
            }
            double m = sum / tokens;
            double sq = 0;
            for (float[] row : head) {
                double d = row[f] - m;
                sq += d * d;
            }
            double std = Math.sqrt(sq / tokens);
            mean[f] = (float) m;
            invStd[f] = std > 0 ? (float) (1.0 / std) : 0f;
        }
    }

    /**
     * Z-normalises one head in place along the token axis: {@code (x - mean) / std} per frame, over the first
     * {@code frames} frames. Zero spread gives zeros.
     */
    public static void zNormalise(float[][] head, int frames) {
        float[] mean = new float[frames];
        float[] invStd = new float[frames];
        zStatistics(head, frames, mean, invStd);
        for (float[] row : head) {
            for (int f = 0; f < frames; f++) {
                row[f] = (row[f] - mean[f]) * invStd[f];
            }
        }
    }

    /** {@link #medianFilter(float[], int, int, float[], float[])} into a new array. */
    public static float[] medianFilter(float[] x, int width) {
        float[] out = new float[x.length];
        medianFilter(x, x.length, width, out, new float[width]);
        return out;
    }

    /**
     * Median filter of odd {@code width} over {@code x[0..n)} into {@code out}, with OpenAI's edge handling:
     * reflect padding without repeating the edge sample ({@code torch.nn.functional.pad(mode="reflect")}, numpy's
     * {@code reflect}, scipy's {@code mirror}), and no filtering at all when {@code n <= width / 2}, where
     * reflect padding is impossible (OpenAI returns the input unchanged then).
     *
     * @param window scratch of at least {@code width} floats
     */
    public static void medianFilter(float[] x, int n, int width, float[] out, float[] window) {
        int half = width / 2;
        if (n <= half) {
            System.arraycopy(x, 0, out, 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            // insertion sort of the window: width 7 makes this cheaper than anything cleverer
            for (int k = 0; k < width; k++) {
                float v = x[reflect(i - half + k, n)];
                int p = k;
                while (p > 0 && window[p - 1] > v) {
                    window[p] = window[p - 1];
                    p--;
                }
                window[p] = v;
            }
            out[i] = window[half];
        }
    }

    /** Reflect index into {@code [0, n)} without repeating the edge: -1 -> 1, n -> n - 2. Needs pad < n. */
    private static int reflect(int i, int n) {
        if (i < 0) {
            return -i;
        }
        if (i >= n) {
            return 2 * (n - 1) - i;
        }
        return i;
    }

    /**
     * AlignAtt's position of a token: the frame its (filtered, head-averaged) attention peaks at. Ties go to the
     * earliest frame, as {@code torch.argmax}.
     */
    public static int mostAttendedFrame(float[][] matrix, int token) {
        float[] row = matrix[token];
        int best = 0;
        for (int f = 1; f < row.length; f++) {
            if (row[f] > row[best]) {
                best = f;
            }
        }
        return best;
    }

    /**
     * Dynamic time warping over {@code cost = -matrix} (high attention = cheap), as OpenAI's {@code dtw_cpu}: moves
     * diagonal, token only, frame only; ties prefer the frame-only move; costs accumulate in float like the
     * reference so tie-breaking matches it.
     */
    public static DtwPath dtw(float[][] matrix) {
        int n = matrix.length;
        if (n == 0 || matrix[0].length == 0) {
            throw new IllegalArgumentException("empty matrix");
        }
        int m = matrix[0].length;
        int stride = m + 1;
        float[] cost = new float[(n + 1) * stride];
        byte[] trace = new byte[(n + 1) * stride];
        Arrays.fill(cost, Float.POSITIVE_INFINITY);
        cost[0] = 0f;
        for (int j = 1; j <= m; j++) {
            for (int i = 1; i <= n; i++) {
                float c0 = cost[(i - 1) * stride + j - 1];
                float c1 = cost[(i - 1) * stride + j];
                float c2 = cost[i * stride + j - 1];
                float c;
                byte t;
                if (c0 < c1 && c0 < c2) {
                    c = c0;
                    t = 0;
                } else if (c1 < c0 && c1 < c2) {
                    c = c1;
                    t = 1;
                } else {
                    c = c2;
                    t = 2;
                }
                cost[i * stride + j] = -matrix[i - 1][j - 1] + c;
                trace[i * stride + j] = t;
            }
        }
        // backtrace from (n, m); the first row can only move left, the first column only up (OpenAI's borders)
        int[] ti = new int[n + m];
        int[] fi = new int[n + m];
        int len = 0;
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            ti[len] = i - 1;
            fi[len] = j - 1;
            len++;
            int t = i == 0 ? 2 : j == 0 ? 1 : trace[i * stride + j];
            if (t == 0) {
                i--;
                j--;
            } else if (t == 1) {
                i--;
            } else {
                j--;
            }
        }
        int[] tokens = new int[len];
        int[] frames = new int[len];
        for (int k = 0; k < len; k++) {
            tokens[k] = ti[len - 1 - k];
            frames[k] = fi[len - 1 - k];
        }
        return new DtwPath(tokens, frames);
    }

    /**
     * Token times from the DTW path through {@code matrix}: a token starts at the first frame the path assigns to it
     * and ends where the next token starts; the last row ends after the last frame. Pass the row that predicts
     * end-of-text as the last row (as OpenAI does) so the last real token ends where end-of-text starts rather than
     * at the end of the audio; its own timing is then the trailing one in the list.
     *
     * @param offsetSeconds time of frame 0 in the stream
     */
    public static List<TokenTiming> tokenTimings(float[][] matrix, double offsetSeconds) {
        DtwPath path = dtw(matrix);
        int[] starts = path.tokenStartFrames();
        int frames = matrix[0].length;
        List<TokenTiming> out = new ArrayList<>(starts.length);
        for (int t = 0; t < starts.length; t++) {
            int endFrame = t + 1 < starts.length ? starts[t + 1] : frames;
            out.add(new TokenTiming(t, offsetSeconds + starts[t] * SECONDS_PER_FRAME,
                    offsetSeconds + endFrame * SECONDS_PER_FRAME));
        }
        return out;
    }
}
