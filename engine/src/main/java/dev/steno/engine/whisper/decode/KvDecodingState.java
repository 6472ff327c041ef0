package dev.steno.engine.whisper.decode;

import dev.steno.engine.whisper.DecoderBatch;
import dev.steno.engine.whisper.DecoderState;
import java.util.Objects;

/** A {@link DecodingState} over the Java decoder's KV cache. */
public final class KvDecodingState implements DecodingState {
    private final DecoderState state;
    private final int capacity;

    /** Wraps {@code state}, which holds at most {@code capacity} tokens ({@code n_text_ctx}). */
    public KvDecodingState(DecoderState state, int capacity) {
        this.state = Objects.requireNonNull(state, "state");
        this.capacity = capacity;
    }

    /**
     * Steps {@link KvDecodingState}s of one decoder together through {@code batch} (one per thread): one pass over
     * the weights for all of them, each state's logits as its own step gives them.
     */
    public static StateStepper batched(DecoderBatch batch) {
        Objects.requireNonNull(batch, "batch");
        DecoderState[][] rows = {new DecoderState[0]};
        return (states, tokens, n, logits) -> {
            if (rows[0].length < n) {
                rows[0] = new DecoderState[n];
            }
            DecoderState[] r = rows[0];
            for (int i = 0; i < n; i++) {
                r[i] = ((KvDecodingState) states[i]).state;
            }
            batch.step(r, tokens, n);
            for (int i = 0; i < n; i++) {
                logits[i] = r[i].logits();
                r[i] = null;
            }
        };
    }

    /** The wrapped decoder state. */
    public DecoderState state() {
        return state;
    }

    @Override
    public float[] step(int token) {
        return state.step(token);
    }

    @Override
    public int position() {
        return state.position();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void rewind(int position) {
        state.rewind(position);
    }

    @Override
    public void copyFrom(DecodingState other) {
        state.copyFrom(((KvDecodingState) other).state);
    }
}
