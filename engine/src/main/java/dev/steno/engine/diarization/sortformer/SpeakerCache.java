package dev.steno.engine.diarization.sortformer;

import java.util.Arrays;

/**
 * Sortformer's arrival-order speaker cache: the frames (512-d embedding and 4 speaker predictions) that represent
 * each speaker to the model, kept to {@code capacity} frames by compression.
 *
 * <p>Frames arrive from the FIFO in blocks ({@link #append}); once the cache holds more than {@code capacity} frames,
 * {@link #compress} keeps the {@code capacity} most useful ones (NeMo {@code _compress_spkcache}):
 * <ol>
 *   <li>score of frame f for speaker s: {@code ln max(p_s,.25) - ln max(1-p_s,.25) + Σ_j ln max(1-p_j,.25) - ln .5}
 *       (high where s alone speaks);</li>
 *   <li>{@code p_s <= 0.5} scores {@code -inf}; a speaker with at least {@code floor(K/2)} positive scores also gets
 *       {@code -inf} on its non-positive (usually overlapped) speech frames; {@code K = capacity/4 - 3};</li>
 *   <li>frames at positions {@code >= capacity} (those appended since the last compression) {@code +0.05};</li>
 *   <li>per speaker, its top {@code floor(0.75·K)} scores {@code +2·ln 2}, then its top {@code floor(1.5·K)}
 *       {@code +ln 2} ({@code -inf} stays);</li>
 *   <li>3 placeholder frames per speaker scoring {@code +inf}; flattened speaker-major, the top {@code capacity}
 *       scores are kept, in index order: the cache comes out grouped by speaker, in time order within a speaker,
 *       each speaker's silence slots after its frames and the slots no score filled ({@code -inf}) at the end;
 *       silence slots and empty slots get the mean silence embedding and zero predictions.</li>
 * </ol>
 * A frame may be kept for two speakers (overlap) and then appears twice. Ties in a top-k go to the earlier index
 * (torch leaves them unspecified). Allocation-free after construction; not thread-safe.
 */
public final class SpeakerCache {
    /** Embedding width. */
    public static final int DIM = 512;
    private static final int SPK = SortformerPreset.SPEAKERS;
    private static final int SIL = SortformerPreset.SILENCE_SLOTS_PER_SPEAKER;
    private static final double PRED_FLOOR = 0.25;
    private static final double SPEECH = 0.5;
    static final double BOOST_LATEST = 0.05;
    static final double STRONG_BOOST = 2 * Math.log(2);
    static final double WEAK_BOOST = Math.log(2);

    private final int capacity;
    private final int maxFrames;
    private float[] emb;
    private float[] pred;
    private float[] spareEmb;
    private float[] sparePred;
    private int length;
    private final double[] scores;
    private final double[] sortScratch;
    private final int[] kept;

    /**
     * @param capacity  frames kept after compression ({@code spkcache_len})
     * @param maxAppend most frames one update appends before compression (the largest FIFO pop)
     */
    public SpeakerCache(int capacity, int maxAppend) {
        if (capacity < (1 + SIL) * SPK || maxAppend < 1) {
            throw new IllegalArgumentException("speaker cache " + capacity + ", append " + maxAppend);
        }
        this.capacity = capacity;
        this.maxFrames = capacity + maxAppend;
        emb = new float[maxFrames * DIM];
        pred = new float[maxFrames * SPK];
        spareEmb = new float[maxFrames * DIM];
        sparePred = new float[maxFrames * SPK];
        scores = new double[(maxFrames + SIL) * SPK];
        sortScratch = new double[(maxFrames + SIL) * SPK];
        kept = new int[capacity];
    }

    /** Frames held now ({@code <= capacity} between updates). */
    public int length() {
        return length;
    }

    /** The configured size after compression. */
    public int capacity() {
        return capacity;
    }

    /** Embeddings, row-major; rows {@code 0..length()-1} are valid. Owned by the cache: read, don't keep. */
    public float[] embeddings() {
        return emb;
    }

    /** Predictions, 4 per row; rows {@code 0..length()-1} are valid. Owned by the cache: read, don't keep. */
    public float[] predictions() {
        return pred;
    }

    /** Appends {@code frames} rows of embeddings and predictions (the FIFO's oldest). */
    public void append(float[] embs, int embOffset, float[] preds, int predOffset, int frames) {
        if (length + frames > maxFrames) {
            throw new IllegalStateException("speaker cache overflow: " + length + " + " + frames + " > " + maxFrames);
        }
        System.arraycopy(embs, embOffset, emb, length * DIM, frames * DIM);
        System.arraycopy(preds, predOffset, pred, length * SPK, frames * SPK);
        length += frames;
    }

    /** Compresses to {@code capacity} frames when it holds more; returns whether it did. */
    public boolean compress(float[] meanSilence) {
        if (length <= capacity) {
            return false;
        }
        int n = length;
        int k = capacity / SPK - SIL;
        logPredScores(pred, n, scores);
        disableLowScores(pred, scores, n, k / 2);
        boostFrom(scores, n, capacity, BOOST_LATEST);
        boostTopK(scores, n, (int) Math.floor(k * 0.75), STRONG_BOOST, sortScratch);
        boostTopK(scores, n, (int) Math.floor(k * 1.5), WEAK_BOOST, sortScratch);
        select(scores, n, capacity, kept, sortScratch);
        for (int slot = 0; slot < capacity; slot++) {
            int f = kept[slot];
            if (f >= 0) {
                System.arraycopy(emb, f * DIM, spareEmb, slot * DIM, DIM);
                System.arraycopy(pred, f * SPK, sparePred, slot * SPK, SPK);
            } else {
                System.arraycopy(meanSilence, 0, spareEmb, slot * DIM, DIM);
                Arrays.fill(sparePred, slot * SPK, slot * SPK + SPK, 0f);
            }
        }
        float[] t = emb;
        emb = spareEmb;
        spareEmb = t;
        t = pred;
        pred = sparePred;
        sparePred = t;
        length = capacity;
        return true;
    }

    /** Step 1: {@code scores[f*4+s]} for the first {@code frames} rows of {@code preds}. */
    static void logPredScores(float[] preds, int frames, double[] scores) {
        for (int f = 0; f < frames; f++) {
            double sumLog1 = 0;
            for (int j = 0; j < SPK; j++) {
                sumLog1 += Math.log(Math.max(1.0 - preds[f * SPK + j], PRED_FLOOR));
            }
            for (int s = 0; s < SPK; s++) {
                double p = preds[f * SPK + s];
                scores[f * SPK + s] = Math.log(Math.max(p, PRED_FLOOR)) - Math.log(Math.max(1.0 - p, PRED_FLOOR))
                        + sumLog1 - Math.log(0.5);
            }
        }
    }

    /**
     * Step 2: non-speech ({@code p <= 0.5}) to {@code -inf}; for a speaker with at least {@code minPositive} positive
     * scores, its non-positive speech frames too.
     */
    static void disableLowScores(float[] preds, double[] scores, int frames, int minPositive) {
        for (int s = 0; s < SPK; s++) {
            int positive = 0;
            for (int f = 0; f < frames; f++) {
                int i = f * SPK + s;
                if (!(preds[i] > SPEECH)) {
                    scores[i] = Double.NEGATIVE_INFINITY;
                } else if (scores[i] > 0) {
                    positive++;
                }
            }
            if (positive >= minPositive) {
                for (int f = 0; f < frames; f++) {
                    int i = f * SPK + s;
                    if (!(scores[i] > 0)) {
                        scores[i] = Double.NEGATIVE_INFINITY;
                    }
                }
            }
        }
    }

    /** Step 3: adds {@code boost} to every score of rows {@code from..frames-1}. */
    static void boostFrom(double[] scores, int frames, int from, double boost) {
        for (int i = from * SPK; i < frames * SPK; i++) {
            scores[i] += boost;
        }
    }

    /** Step 4: per speaker, adds {@code boost} to its {@code k} highest scores (earlier frame first on ties). */
    static void boostTopK(double[] scores, int frames, int k, double boost, double[] scratch) {
        int take = Math.min(k, frames);
        if (take <= 0) {
            return;
        }
        for (int s = 0; s < SPK; s++) {
            for (int f = 0; f < frames; f++) {
                scratch[f] = scores[f * SPK + s];
            }
            Arrays.sort(scratch, 0, frames);
            double threshold = scratch[frames - take];
            int above = 0;
            for (int f = 0; f < frames; f++) {
                if (scores[f * SPK + s] > threshold) {
                    above++;
                }
            }
            int ties = take - above;
            for (int f = 0; f < frames; f++) {
                int i = f * SPK + s;
                double v = scores[i];
                if (v > threshold || (v == threshold && ties-- > 0)) {
                    scores[i] = v + boost;
                }
            }
        }
    }

    /**
     * Step 5: appends 3 {@code +inf} placeholders per speaker, flattens speaker-major ({@code s·(frames+3) + f}),
     * keeps the {@code capacity} highest scores (earlier index first on ties) and writes, per slot in index order,
     * the frame to copy or {@code -1} for a silence slot; slots kept with {@code -inf} come last, as {@code -1}.
     */
    static void select(double[] scores, int frames, int capacity, int[] kept, double[] scratch) {
        int rows = frames + SIL;
        int total = rows * SPK;
        for (int s = 0; s < SPK; s++) {
            for (int f = 0; f < rows; f++) {
                scratch[s * rows + f] = flatScore(scores, frames, s, f);
            }
        }
        Arrays.sort(scratch, 0, total);
        double threshold = scratch[total - capacity];
        int above = 0;
        for (int i = total - 1; i >= 0 && scratch[i] > threshold; i--) {
            above++;
        }
        int ties = capacity - above;
        int slot = 0;
        int empty = 0;
        for (int s = 0; s < SPK; s++) {
            for (int f = 0; f < rows; f++) {
                double v = flatScore(scores, frames, s, f);
                boolean take = v > threshold || (v == threshold && ties-- > 0);
                if (!take) {
                    continue;
                }
                if (v == Double.NEGATIVE_INFINITY) {
                    empty++;
                } else {
                    kept[slot++] = f < frames ? f : -1;
                }
            }
        }
        for (int i = 0; i < empty; i++) {
            kept[slot++] = -1;
        }
    }

    private static double flatScore(double[] scores, int frames, int s, int f) {
        return f < frames ? scores[f * SPK + s] : Double.POSITIVE_INFINITY;
    }
}
