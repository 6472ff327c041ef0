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
}
