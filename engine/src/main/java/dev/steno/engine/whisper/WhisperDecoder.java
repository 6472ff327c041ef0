package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.ParallelLoop;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Whisper's text decoder in Java. The decoder holds only the weights; each decoding (one audio window, one beam)
 * keeps its caches in a {@link DecoderState} from {@link #newState()}.
 */
public final class WhisperDecoder {
    final WhisperWeights w;
    final ParallelLoop par;
    private final ConcurrentLinkedQueue<CrossKeysValues> idleCross = new ConcurrentLinkedQueue<>();

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

    /** Number of logits per position ({@code n_vocab}). */
    public int vocabSize() {
        return w.hparams().nVocab();
    }

    /** Most tokens a state holds ({@code n_text_ctx}, 448). */
    public int contextSize() {
        return w.hparams().nTextCtx();
    }
}
