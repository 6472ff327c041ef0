package dev.steno.engine.diarization.sortformer;

import java.util.Arrays;

/**
 * One stream's host-side Sortformer memory: the FIFO of recent frames, the {@link SpeakerCache} and the running mean
 * silence embedding (NeMo {@code streaming_update_async} for one stream).
 *
 * <p>Each step ({@link #update}):
 * <ol>
 *   <li>the FIFO's predictions are replaced by the model's predictions for the FIFO positions in this step (NeMo
 *       re-reads them every step; the cache keeps the predictions its frames had when they left the FIFO);</li>
 *   <li>the chunk's frames (embeddings without left/right context, and their predictions) are appended to the
 *       FIFO;</li>
 *   <li>when the FIFO then exceeds {@code fifoLen}, its {@code max(update period, overflow)} oldest frames (at most
 *       all of them) leave it for the cache; popped frames whose predictions sum below 0.2 also update the mean
 *       silence embedding;</li>
 *   <li>when the cache exceeds {@code spkcacheLen}, it is compressed.</li>
 * </ol>
 * Sizes are bounded by the preset whatever the stream's length. Allocation-free after construction; not thread-safe.
 */
public final class SortformerState {
    private static final int DIM = SpeakerCache.DIM;
    private static final int SPK = SortformerPreset.SPEAKERS;
    /** Popped frames whose summed predictions are below this are silence. */
    static final double SILENCE_THRESHOLD = 0.2;

    private final int fifoCapacity;
    private final int maxChunk;
    private final int updatePeriod;
    private final float[] fifoEmb;
    private final float[] fifoPred;
    private int fifoLength;
    private final SpeakerCache cache;
    private final float[] meanSilence = new float[DIM];
    private final double[] silenceSum = new double[DIM];
    private long silenceFrames;

    /** Empty state for a preset. */
    public SortformerState(SortformerPreset preset) {
        this.fifoCapacity = preset.fifoLen();
        this.maxChunk = preset.chunkLen();
        this.updatePeriod = preset.effectiveUpdatePeriod();
        this.fifoEmb = new float[(fifoCapacity + maxChunk) * DIM];
        this.fifoPred = new float[(fifoCapacity + maxChunk) * SPK];
        this.cache = new SpeakerCache(preset.spkcacheLen(), fifoCapacity + maxChunk);
    }

    /** The speaker cache. */
    public SpeakerCache cache() {
        return cache;
    }

    /** Frames in the FIFO. */
    public int fifoLength() {
        return fifoLength;
    }

    /** FIFO embeddings, row-major; rows {@code 0..fifoLength()-1} are valid. Read, don't keep. */
    public float[] fifoEmbeddings() {
        return fifoEmb;
    }

    /** FIFO predictions, 4 per row; rows {@code 0..fifoLength()-1} are valid. Read, don't keep. */
    public float[] fifoPredictions() {
        return fifoPred;
    }

    /** The mean of the embeddings of every silent frame that left the FIFO (zeros before the first). */
    public float[] meanSilence() {
        return meanSilence;
    }

    /** Silent frames counted into {@link #meanSilence()}. */
    public long silenceFrames() {
        return silenceFrames;
    }

    /**
     * Takes one step's result.
     *
     * @param preds        the model's predictions, 4 per position
     * @param fifoPredsAt  index in {@code preds} of the first FIFO position's predictions (4 × cache length)
     * @param chunkPredsAt index in {@code preds} of the first chunk frame's predictions (after the left context)
     * @param embs         the chunk's pre-encoded embeddings
     * @param chunkEmbsAt  index in {@code embs} of the first chunk frame (after the left context)
     * @param chunkFrames  chunk frames to take, {@code 0..chunkLen}
     */
    public void update(float[] preds, int fifoPredsAt, int chunkPredsAt, float[] embs, int chunkEmbsAt,
            int chunkFrames) {
        if (chunkFrames < 0 || chunkFrames > maxChunk) {
            throw new IllegalArgumentException("chunk of " + chunkFrames + " frames; the preset allows " + maxChunk);
        }
        System.arraycopy(preds, fifoPredsAt, fifoPred, 0, fifoLength * SPK);
        System.arraycopy(embs, chunkEmbsAt, fifoEmb, fifoLength * DIM, chunkFrames * DIM);
        System.arraycopy(preds, chunkPredsAt, fifoPred, fifoLength * SPK, chunkFrames * SPK);
        int filled = fifoLength + chunkFrames;
        fifoLength = filled;
        if (filled <= fifoCapacity) {
            return;
        }
        int pop = Math.min(Math.max(updatePeriod, filled - fifoCapacity), filled);
        addSilence(pop);
        cache.append(fifoEmb, 0, fifoPred, 0, pop);
        int rest = filled - pop;
        System.arraycopy(fifoEmb, pop * DIM, fifoEmb, 0, rest * DIM);
        System.arraycopy(fifoPred, pop * SPK, fifoPred, 0, rest * SPK);
        Arrays.fill(fifoEmb, rest * DIM, filled * DIM, 0f);
        Arrays.fill(fifoPred, rest * SPK, filled * SPK, 0f);
        fifoLength = rest;
        cache.compress(meanSilence);
    }

    /** Counts the silent frames among the FIFO's first {@code frames} into the mean silence embedding. */
    private void addSilence(int frames) {
        int silent = 0;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int s = 0; s < SPK; s++) {
                sum += fifoPred[f * SPK + s];
            }
            if (sum < SILENCE_THRESHOLD) {
                silent++;
                for (int d = 0; d < DIM; d++) {
                    silenceSum[d] += fifoEmb[f * DIM + d];
                }
            }
        }
        if (silent == 0) {
            return;
        }
        silenceFrames += silent;
        for (int d = 0; d < DIM; d++) {
            meanSilence[d] = (float) (silenceSum[d] / silenceFrames);
        }
    }
}
