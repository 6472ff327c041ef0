package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.Activations;
import dev.steno.engine.whisper.nn.HeadLayout;
import dev.steno.engine.whisper.nn.MatMul;
import dev.steno.engine.whisper.nn.MultiHeadAttention;
import dev.steno.engine.whisper.nn.Norms;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.VectorMath;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whisper's audio encoder in Java: two convolutions with GELU, positional embedding, pre-layer-norm transformer
 * blocks and a final layer norm. The window may be shorter than the model's 1500 frames (whisper.cpp's
 * {@code audio_ctx}); the positional embedding's first rows are used.
 *
 * <p><b>Threading.</b> Calls from different threads run at once, up to {@link #concurrentCalls()}; a call beyond
 * that waits for one to finish. Each running call has a set of work buffers of its own (about 25 MB for tiny at a
 * 30 s window), taken from the sets earlier calls left and grown to the largest window seen, so at most
 * {@code concurrentCalls()} sets ever exist: give it the number of threads that encode (the inference workers).
 */
public final class WhisperEncoder implements AudioEncoder {
    private final WhisperWeights w;
    private final ParallelLoop par;
    private final int nState;
    private final HeadLayout heads;
    private final int nMels;
    private final int concurrentCalls;
    /** Permits for calls in flight: bounds the buffer sets as well as the calls. */
    private final Semaphore calls;
    private final ConcurrentLinkedQueue<EncoderBuffers> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buffersMade = new AtomicInteger();

    /** An encoder over {@code weights}, running its kernels on {@code par}, one call at a time. */
    public WhisperEncoder(WhisperWeights weights, ParallelLoop par) {
        this(weights, par, 1);
    }

    /**
     * An encoder over {@code weights}, running its kernels on {@code par}, serving up to {@code concurrentCalls}
     * calls at once.
     *
     * @throws IllegalArgumentException if {@code concurrentCalls} is below 1
     */
    public WhisperEncoder(WhisperWeights weights, ParallelLoop par, int concurrentCalls) {
        this.w = Objects.requireNonNull(weights, "weights");
        this.par = Objects.requireNonNull(par, "par");
        if (concurrentCalls < 1) {
            throw new IllegalArgumentException("concurrentCalls must be >= 1, was " + concurrentCalls);
        }
        WhisperHyperParams hp = weights.hparams();
        this.nState = hp.nAudioState();
        this.heads = new HeadLayout(hp.nAudioHead(), nState / hp.nAudioHead());
        this.nMels = hp.nMels();
        this.concurrentCalls = concurrentCalls;
        this.calls = new Semaphore(concurrentCalls, true);
    }

    /** The longest window, in encoder frames (1500 for 30 s). */
    @Override
    public int maxFrames() {
        return w.hparams().nAudioCtx();
    }

    /** Width of one encoder frame ({@code n_audio_state}). */
    @Override
    public int width() {
        return nState;
    }

    /** How many calls may run at once. */
    @Override
    public int concurrentCalls() {
        return concurrentCalls;
    }

    @Override
    public String name() {
        return "java";
    }

    /** Sets of work buffers made so far (memory held between calls); never more than {@link #concurrentCalls()}. */
    public int workBuffers() {
        return buffersMade.get();
    }

    /**
     * Encodes a log-mel window.
     *
     * @param mel           {@code n_mels * 2*frames} values, mel-major: band m, mel frame t at {@code m*2*frames + t}
     * @param frames        encoder frames, 1 to {@link #maxFrames()} (each covers two 10 ms mel frames)
     * @return {@code frames * width()} values, frame-major
     */
    @Override
    public float[] encode(float[] mel, int frames) {
        float[] out = new float[frames * nState];
        encode(mel, frames, out);
        return out;
    }

    /** As {@link #encode(float[], int)}, writing into {@code out} (at least {@code frames * width()} values). */
    @Override
    public void encode(float[] mel, int frames, float[] out) {
        if (frames < 1 || frames > maxFrames()) {
            throw new IllegalArgumentException("frames " + frames + " outside 1.." + maxFrames());
        }
        if (mel.length < nMels * 2 * frames || out.length < frames * nState) {
            throw new IllegalArgumentException("mel or out too short for " + frames + " frames");
        }
        calls.acquireUninterruptibly();
        try {
            // a permit guarantees a set: sets made never exceed the permits, and a set is idle unless its call runs
            EncoderBuffers b = idle.poll();
            if (b == null) {
                b = new EncoderBuffers(nState, nMels);
                buffersMade.incrementAndGet();
            }
            try {
                b.ensure(frames);
                run(b, mel, frames, out);
            } finally {
                idle.add(b);
            }
        } finally {
            calls.release();
        }
    }

    private void run(EncoderBuffers b, float[] mel, int frames, float[] out) {
        int melFrames = 2 * frames;
        int ns = nState;
        // the im2col copies use the MLP's buffer and the first convolution's output the projection buffer: the
        // blocks overwrite both
        float[] cols1 = b.m;
        float[] conv1 = b.h;
        float[] cols2 = b.m;
        float[] x = b.x;
        float[] h = b.h;
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

        for (WhisperWeights.EncoderBlock blk : w.encoderBlocks) {
            WhisperWeights.Attention at = blk.attn();
            Norms.layerNorm(par, x, frames, ns, at.lnWeight(), at.lnBias(), h);
            MatMul.matmul(par, h, frames, at.query(), at.queryBias(), b.q);
            MatMul.matmul(par, h, frames, at.key(), null, b.k);
            MatMul.matmul(par, h, frames, at.value(), at.valueBias(), b.v);
            MultiHeadAttention.attention(par, heads, b.queries, frames, b.keysValues, frames, -1, b.context, null,
                    b.attention);
            MatMul.matmul(par, b.a, frames, at.out(), at.outBias(), h);
            VectorMath.add(h, 0, x, 0, frames * ns);
            blk.mlp().addTo(par, x, frames, ns, h, b.m);
        }
        Norms.layerNorm(par, x, frames, ns, w.lnPostWeight, w.lnPostBias, out);
    }
}
