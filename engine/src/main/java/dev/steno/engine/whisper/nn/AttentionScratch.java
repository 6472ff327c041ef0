package dev.steno.engine.whisper.nn;

/**
 * Reusable packing buffers of {@link MultiHeadAttention#attention}, grown to the largest call seen; one per caller
 * (not shared between threads).
 */
public final class AttentionScratch {
    float[] packedK = new float[0];
    float[] packedV = new float[0];

    /** Empty buffers; the first call sizes them. */
    public AttentionScratch() {
    }

    /**
     * Packs into these arrays, owned by the caller and free while the attention runs (they are overwritten), as
     * long as they are large enough: a call that needs more grows its own.
     */
    public AttentionScratch(float[] packedK, float[] packedV) {
        this.packedK = packedK;
        this.packedV = packedV;
    }
}
