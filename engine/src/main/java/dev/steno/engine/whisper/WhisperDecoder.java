package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.ParallelLoop;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whisper's text decoder in Java. The decoder holds only the weights; each decoding (one audio window, one beam)
 * keeps its caches in a {@link DecoderState} from {@link #newState()}.
 */
public final class WhisperDecoder {
    final WhisperWeights w;
    final ParallelLoop par;
    private final ConcurrentLinkedQueue<CrossKeysValues> idleCross = new ConcurrentLinkedQueue<>();
    // The buffers of decodings under way, lent to states from setAudio to releaseAudio: as many sets exist as
    // decodings ever ran at once, not one per stream.
    private final ConcurrentLinkedQueue<DecoderState.Workspace> idleWorkspaces = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<DecoderState.CrossCache> idleCaches = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<float[]> idleProjections = new ConcurrentLinkedQueue<>();
    private final AtomicInteger workspacesMade = new AtomicInteger();

    /** A decoder over {@code weights}, running its kernels on {@code par}. */
    public WhisperDecoder(WhisperWeights weights, ParallelLoop par) {
        this.w = Objects.requireNonNull(weights, "weights");
        this.par = Objects.requireNonNull(par, "par");
    }

    /** A fresh state with empty caches; give it audio with {@link DecoderState#setAudio} before decoding. */
    public DecoderState newState() {
        return new DecoderState(this);
    }

    /**
     * A batch of decoder steps for several states at once (beams, sessions), one pass over the weights per step;
     * one per calling thread.
     */
    public DecoderBatch newBatch() {
        return new DecoderBatch(w, par);
    }

    /**
     * Buffers for a window's cross-attention keys and values, as an ONNX encoder fills them: one a caller returned
     * ({@link #returnCrossKeysValues}), else new. They live from an encode to the {@link DecoderState#setAudio} that
     * copies them, so a few sets serve every stream (a set per stream would be 9 MB each for tiny at 30 s, 246 MB for
     * large-v3).
     */
    public CrossKeysValues borrowCrossKeysValues() {
        CrossKeysValues c = idleCross.poll();
        return c != null ? c : new CrossKeysValues(w.hparams().nTextLayer(), w.hparams().nTextState());
    }

    /** Gives buffers from {@link #borrowCrossKeysValues} back once their contents are copied. */
    public void returnCrossKeysValues(CrossKeysValues c) {
        idleCross.add(Objects.requireNonNull(c, "c"));
    }

    DecoderState.Workspace takeWorkspace() {
        DecoderState.Workspace ws = idleWorkspaces.poll();
        if (ws == null) {
            ws = new DecoderState.Workspace(w.hparams());
            workspacesMade.incrementAndGet();
        }
        return ws;
    }

    /**
     * Decoding workspaces made so far (self-attention caches and activations, 13 MB each for base): as many as
     * decodings ever held audio at once, since {@link DecoderState#releaseAudio} gives them back.
     */
    public int workspaces() {
        return workspacesMade.get();
    }

    void giveWorkspace(DecoderState.Workspace ws) {
        idleWorkspaces.add(ws);
    }

    /** Cross-attention buffers for at least {@code frames} frames: an idle set that holds them, else a new one. */
    DecoderState.CrossCache takeCrossCache(int frames, int capacity) {
        DecoderState.CrossCache c = idleCaches.poll();
        if (c != null && c.capacity >= frames) {
            return c;
        }
        // a smaller idle set is dropped: windows only grow to the model's, so sets converge on it
        int grown = c == null ? capacity : Math.max(capacity, Math.min(w.hparams().nAudioCtx(),
                c.capacity + c.capacity / 2));
        return new DecoderState.CrossCache(w.hparams().nTextLayer(), Math.max(frames, grown), w.hparams().nTextState());
    }

    void giveCrossCache(DecoderState.CrossCache c) {
        c.holders = 1;
        idleCaches.add(c);
    }

    /** A projection scratch of at least {@code needed} values ({@code size} when made). */
    float[] takeProjection(int needed, int size) {
        float[] p = idleProjections.poll();
        return p != null && p.length >= needed ? p : new float[Math.max(needed, size)];
    }

    void giveProjection(float[] p) {
        idleProjections.add(p);
    }

    /** Number of logits per position ({@code n_vocab}). */
    public int vocabSize() {
        return w.hparams().nVocab();
    }

    /** Most tokens a state holds ({@code n_text_ctx}, 448). */
    public int contextSize() {
        return w.hparams().nTextCtx();
    }
}
