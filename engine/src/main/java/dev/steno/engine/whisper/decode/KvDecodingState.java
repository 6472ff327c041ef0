package dev.steno.engine.whisper.decode;

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
