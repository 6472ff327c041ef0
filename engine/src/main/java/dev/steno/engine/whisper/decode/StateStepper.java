package dev.steno.engine.whisper.decode;

/**
 * Appends one token to each of several {@link DecodingState}s: a beam search's live beams, stepped one by one or,
 * where the decoder can, together in one pass over its weights ({@link KvDecodingState#batched}).
 */
@FunctionalInterface
public interface StateStepper {
    /**
     * {@code logits[i] = states[i].step(tokens[i])} for i below {@code n}: each array belongs to its state, as
     * {@link DecodingState#step} returns it. The states are distinct.
     */
    void step(DecodingState[] states, int[] tokens, int n, float[][] logits);

    /** Each state's own {@link DecodingState#step}, in order. */
    static StateStepper oneByOne() {
        return (states, tokens, n, logits) -> {
            for (int i = 0; i < n; i++) {
                logits[i] = states[i].step(tokens[i]);
            }
        };
    }
}
