package dev.steno.engine.whisper.nn;

/**
 * The kernels' per-thread work buffers, one slot per use. A buffer grows to the largest size asked for and is then
 * reused, so that the kernels allocate no arrays after warm-up.
 */
final class Scratch {
    /** A weight panel packed by {@link MatMul#matmul}. */
    static final int PANEL = 0;
    /** The attention scores of one head. */
    static final int SCORES = 1;
    /** The bias block of {@link MatMul#gemmPanel}. */
    static final int BIAS = 2;
    /** The output block of a partial panel in {@link MatMul#gemmPanel}. */
    static final int PARTIAL = 3;
    /** The lane sums of a matrix-vector kernel body, before {@link Matrix#storeSums} reduces them. */
    static final int SUMS = 4;
    private static final int SLOTS = 5;
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Scratch() {
    }

    /** The calling thread's buffer of {@code slot}, at least {@code size} values long; its contents are stale. */
    static float[] get(int slot, int size) {
        float[][] s = BUFFERS.get();
        if (s[slot].length < size) {
            // grow by half at least: batch sizes creep up a little at a time in streaming
            s[slot] = new float[Math.max(size, s[slot].length + s[slot].length / 2)];
        }
        return s[slot];
    }
}
