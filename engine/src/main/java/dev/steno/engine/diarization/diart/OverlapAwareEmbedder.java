package dev.steno.engine.diarization.diart;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * diart's overlap-aware speaker embedding for an ONNX embedding model that has no frame-weight input.
 *
 * <p>diart weighs each segmentation frame for local speaker {@code k} by
 * {@code w = (s_k · softmax(β·s)_k)^γ} (its {@code OverlappedSpeechPenalty}: the softmax runs over the local
 * speakers of the frame, γ = 3, β = 10, weights below 1e-8 raised to 1e-8) and hands the weights to the embedding
 * network's statistics pooling, so that overlapped frames (two speakers at 1: w ≈ 0.125) and unsure ones (0.6 alone:
 * w ≈ 0.21) count little next to clean ones (w ≈ 1). The sherpa-onnx WeSpeaker and 3D-Speaker exports pool inside the
 * graph with no weight input, and scaling log-fbank frames by a weight is not a weighting of the pooled statistics (a
 * scaled log spectrum is a different sound, not a quieter vote). So the weights select frames instead: the model sees
 * only the fbank frames whose weight reaches {@link #CLEAN} (the frames diart lets count fully), mean-normalised over
 * those frames, which is a 0/1 weighting of the pooling. When fewer than {@link #MIN_FRAMES} frames are that clean
 * (a speaker heard only in overlap), the frames above {@link #FALLBACK} are taken instead; below that the speaker gets
 * no embedding in this window, as diart drops speakers whose embedding is NaN.
 *
 * <p>Per stream: owns the fbank and its buffers. Not thread-safe.
 */
final class OverlapAwareEmbedder {
    /** Weight from which a frame counts as clean speech of one speaker. */
    static final float CLEAN = 0.2f;
    /** Weight from which a frame may count when too few are clean. */
    static final float FALLBACK = 0.01f;
    /** Fewest fbank frames (0.3 s) an embedding is computed from. */
    static final int MIN_FRAMES = 30;

    private final EmbeddingModel model;
    private final double gamma;
    private final double beta;
    private final KaldiFbank fbank = new KaldiFbank(EmbeddingModel.BANDS);
    private final float[] features;
    private final float[] gathered;
    private final FloatBuffer selected;
    private final float[] weights;
    private final float[] exps;
    private final int[] segFrameOf;

    /**
     * @param maxSamples the longest window it will be given
     * @param maxFrames  the most segmentation frames per window
     * @param locals     local speakers per window
     */
    OverlapAwareEmbedder(EmbeddingModel model, double gamma, double beta, int maxSamples, int maxFrames,
            int locals) {
        this.model = model;
        this.gamma = gamma;
        this.beta = beta;
        int frames = KaldiFbank.frameCount(maxSamples);
        this.features = new float[frames * EmbeddingModel.BANDS];
        this.gathered = new float[features.length];
        this.selected = ByteBuffer.allocateDirect(features.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.weights = new float[maxFrames * locals];
        this.exps = new float[locals];
        this.segFrameOf = new int[frames];
    }

    /**
     * diart's weights: {@code out[f][k] = max(1e-8, (s[f][k] · softmax(β·s[f])_k)^γ)}.
     *
     * @param activity {@code frames x locals}, row-major
     */
    static void weights(float[] activity, int frames, int locals, double gamma, double beta, float[] exps,
            float[] out) {
        for (int f = 0; f < frames; f++) {
            int row = f * locals;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < locals; k++) {
                max = Math.max(max, beta * activity[row + k]);
            }
            double sum = 0;
            for (int k = 0; k < locals; k++) {
                exps[k] = (float) Math.exp(beta * activity[row + k] - max);
                sum += exps[k];
            }
            for (int k = 0; k < locals; k++) {
                double w = Math.pow(activity[row + k] * exps[k] / sum, gamma);
                out[row + k] = (float) Math.max(w, 1e-8);
            }
        }
    }

    /**
     * Embeddings of the wanted local speakers of one window.
     *
     * @param samples  the window's audio in [-1, 1]
     * @param activity {@code frames x locals} segmentation activities of the window, row-major
     * @param timing   where segmentation frames sit in the window
     * @param wanted   which local speakers need an embedding
     * @return per local speaker its L2-normalised embedding, or {@code null} (not wanted, or too little speech)
     */
    float[][] embed(float[] samples, int offset, int length, float[] activity, int frames, int locals,
            FrameTiming timing, boolean[] wanted) {
        float[][] out = new float[locals][];
        if (frames == 0) {
            return out;
        }
        int fbankFrames = fbank.compute(samples, offset, length, model.sampleScale(), features, 0);
        weights(activity, frames, locals, gamma, beta, exps, weights);
        for (int j = 0; j < fbankFrames; j++) {
            double centre = j * KaldiFbank.FRAME_SHIFT + KaldiFbank.FRAME_LENGTH / 2.0;
            segFrameOf[j] = (int) Math.max(0, Math.min(frames - 1, Math.round(timing.frameAt(centre))));
        }
        for (int k = 0; k < locals; k++) {
            if (!wanted[k]) {
                continue;
            }
            int n = select(k, locals, fbankFrames, CLEAN);
            if (n < MIN_FRAMES) {
                n = select(k, locals, fbankFrames, FALLBACK);
            }
            if (n >= MIN_FRAMES) {
                out[k] = normalised(model.embed(selected, n));
            }
        }
        return out;
    }

    /** Gathers the fbank frames where speaker {@code k} weighs at least {@code floor}, mean-normalised. */
    private int select(int k, int locals, int fbankFrames, float floor) {
        int bands = EmbeddingModel.BANDS;
        int n = 0;
        for (int j = 0; j < fbankFrames; j++) {
            if (weights[segFrameOf[j] * locals + k] >= floor) {
                System.arraycopy(features, j * bands, gathered, n * bands, bands);
                n++;
            }
        }
        KaldiFbank.subtractMean(gathered, 0, n, bands);
        selected.clear();
        selected.put(gathered, 0, n * bands);
        return n;
    }

    private static float[] normalised(float[] e) {
        double norm = 0;
        for (float v : e) {
            norm += v * (double) v;
        }
        if (!(norm > 0) || !Double.isFinite(norm)) {
            return null;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < e.length; i++) {
            e[i] *= inv;
        }
        return e;
    }
}
