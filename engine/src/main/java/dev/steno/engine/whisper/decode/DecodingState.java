package dev.steno.engine.whisper.decode;

/**
 * One decoding hypothesis that can be extended token by token and forked: the decoder's KV cache in production
 * ({@link KvDecodingState}), a table of logits in tests.
 */
public interface DecodingState {
    /**
     * Appends {@code token}; returns the logits of the next token. The array belongs to this state, is overwritten by
     * its next call, and may be modified by the caller (the filters do).
     */
    float[] step(int token);

    /** Number of tokens held (prompt included). */
    int position();

    /** Most tokens this state can hold; decoding stops when it is full. */
    int capacity();

    /** Drops the tokens from {@code position} on, e.g. to decode again from the end of the prompt. */
    void rewind(int position);

    /** Becomes a copy of {@code other} (same tokens), so that both continue independently. */
    void copyFrom(DecodingState other);
}
