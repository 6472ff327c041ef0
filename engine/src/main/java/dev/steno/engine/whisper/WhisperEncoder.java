package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.Activations;
import dev.steno.engine.whisper.nn.AttentionScratch;
import dev.steno.engine.whisper.nn.HeadLayout;
import dev.steno.engine.whisper.nn.KeyValueView;
import dev.steno.engine.whisper.nn.MatMul;
import dev.steno.engine.whisper.nn.MultiHeadAttention;
import dev.steno.engine.whisper.nn.Norms;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.RowView;
import dev.steno.engine.whisper.nn.VectorMath;
import java.util.Objects;

/**
 * Whisper's audio encoder in Java: two convolutions with GELU, positional embedding, pre-layer-norm transformer
 * blocks and a final layer norm. The window may be shorter than the model's 1500 frames (whisper.cpp's
 * {@code audio_ctx}); the positional embedding's first rows are used.
 *
 * <p>One instance serves one call at a time ({@code encode} is synchronized); it keeps its work buffers between
 * calls, sized to the largest window seen.
 */
public final class WhisperEncoder {
    private final WhisperWeights w;
    private final ParallelLoop par;
    private final int nState;
    private final HeadLayout heads;
    private final int nMels;
    private final AttentionScratch attnScratch = new AttentionScratch();
    private int capacity;
    private float[] cols1;
    private float[] conv1;
    private float[] cols2;
    private float[] x;
    private float[] h;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] a;
    private float[] m;
    /** Views of {@code q}, of {@code k} and {@code v}, and of {@code a} for the attention, remade with them. */
    private RowView queries;
    private KeyValueView keysValues;
    private RowView context;

    /** An encoder over {@code weights}, running its kernels on {@code par}. */
    public WhisperEncoder(WhisperWeights weights, ParallelLoop par) {
        this.w = Objects.requireNonNull(weights, "weights");
        this.par = Objects.requireNonNull(par, "par");
        WhisperHyperParams hp = weights.hparams();
        this.nState = hp.nAudioState();
        this.heads = new HeadLayout(hp.nAudioHead(), nState / hp.nAudioHead());
        this.nMels = hp.nMels();
    }

    /** The longest window, in encoder frames (1500 for 30 s). */
    public int maxFrames() {
        return w.hparams().nAudioCtx();
    }

    /** Width of one encoder frame ({@code n_audio_state}). */
    public int width() {
        return nState;
    }

    /**
     * Encodes a log-mel window.
     *
     * @param mel           {@code n_mels * 2*frames} values, mel-major: band m, mel frame t at {@code m*2*frames + t}
     * @param frames        encoder frames, 1 to {@link #maxFrames()} (each covers two 10 ms mel frames)
     * @return {@code frames * width()} values, frame-major
     */
    public float[] encode(float[] mel, int frames) {
        float[] out = new float[frames * nState];
        encode(mel, frames, out);
        return out;
    }

    /** As {@link #encode(float[], int)}, writing into {@code out} (at least {@code frames * width()} values). */
    public synchronized void encode(float[] mel, int frames, float[] out) {
        if (frames < 1 || frames > maxFrames()) {
            throw new IllegalArgumentException("frames " + frames + " outside 1.." + maxFrames());
        }
        int melFrames = 2 * frames;
        if (mel.length < nMels * melFrames || out.length < frames * nState) {
            throw new IllegalArgumentException("mel or out too short for " + frames + " frames");
        }
        ensure(frames);
        int ns = nState;
        // conv1 (k=3, pad 1) as a product with an im2col copy: row t holds mel[c][t+kk-1] at c*3+kk.
        int w1 = 3 * nMels;
        par.forRange(melFrames, 64, (from, to) -> {
            for (int t = from; t < to; t++) {
                int row = t * w1;
                for (int c = 0; c < nMels; c++) {
                    int base = c * melFrames;
                    cols1[row + 3 * c] = t > 0 ? mel[base + t - 1] : 0f;
                    cols1[row + 3 * c + 1] = mel[base + t];
                    cols1[row + 3 * c + 2] = t + 1 < melFrames ? mel[base + t + 1] : 0f;
                }
            }
        });
        MatMul.matmul(par, cols1, melFrames, w.conv1, w.conv1Bias, conv1);
        Activations.gelu(par, conv1, melFrames * ns);
        // conv2 (k=3, stride 2, pad 1): output frame t reads conv1 frames 2t-1, 2t, 2t+1.
        int w2 = 3 * ns;
        par.forRange(frames, 16, (from, to) -> {
            for (int t = from; t < to; t++) {
                int row = t * w2;
                for (int kk = 0; kk < 3; kk++) {
                    int src = 2 * t + kk - 1;
                    if (src < 0 || src >= melFrames) {
                        for (int c = 0; c < ns; c++) {
                            cols2[row + 3 * c + kk] = 0f;
                        }
                    } else {
                        int so = src * ns;
                        for (int c = 0; c < ns; c++) {
                            cols2[row + 3 * c + kk] = conv1[so + c];
                        }
                    }
                }
            }
        });
        MatMul.matmul(par, cols2, frames, w.conv2, w.conv2Bias, x);
        Activations.gelu(par, x, frames * ns);
        VectorMath.add(w.encoderPositions, 0, x, 0, frames * ns);

        for (WhisperWeights.EncoderBlock b : w.encoderBlocks) {
            WhisperWeights.Attention at = b.attn();
            Norms.layerNorm(par, x, frames, ns, at.lnWeight(), at.lnBias(), h);
            MatMul.matmul(par, h, frames, at.query(), at.queryBias(), q);
            MatMul.matmul(par, h, frames, at.key(), null, k);
            MatMul.matmul(par, h, frames, at.value(), at.valueBias(), v);
            MultiHeadAttention.attention(par, heads, queries, frames, keysValues, frames, -1, context, null,
                    attnScratch);
            MatMul.matmul(par, a, frames, at.out(), at.outBias(), h);
            VectorMath.add(h, 0, x, 0, frames * ns);
            b.mlp().addTo(par, x, frames, ns, h, m);
        }
        Norms.layerNorm(par, x, frames, ns, w.lnPostWeight, w.lnPostBias, out);
    }

    private void ensure(int frames) {
        if (frames <= capacity) {
            return;
        }
        int ns = nState;
        cols1 = new float[2 * frames * 3 * nMels];
        conv1 = new float[2 * frames * ns];
        cols2 = new float[frames * 3 * ns];
        x = new float[frames * ns];
        h = new float[frames * ns];
        q = new float[frames * ns];
        k = new float[frames * ns];
        v = new float[frames * ns];
        a = new float[frames * ns];
        m = new float[frames * 4 * ns];
        queries = new RowView(q, ns);
        keysValues = new KeyValueView(k, ns, 1, v, ns);
        context = new RowView(a, ns);
        capacity = frames;
    }
}
