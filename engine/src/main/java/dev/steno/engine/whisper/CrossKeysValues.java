package dev.steno.engine.whisper;

/**
 * The decoder's cross-attention keys and values of one window, per decoder layer, binary16, in
 * {@link DecoderState}'s layout: keys transposed ({@code c*frames + t}), values head-major
 * ({@code (h*frames + t)*d + e}). Filled by an encoder that computes them ({@link AudioEncoder#encode(float[], int,
 * float[], CrossKeysValues)}) and copied into each decoder state that decodes the window.
 *
 * <p>Not thread-safe; owned by one window's result. Buffers grow (by half at least) to the largest window seen.
 */
public final class CrossKeysValues {
    private final int width;
    private final short[][] keys;
    private final short[][] values;
    private int frames;

    /** Empty buffers for {@code layers} decoder layers of {@code width} ({@code n_text_state}) channels. */
    public CrossKeysValues(int layers, int width) {
        this.width = width;
        this.keys = new short[layers][0];
        this.values = new short[layers][0];
    }

    /** Decoder layers. */
    public int layers() {
        return keys.length;
    }

    /** Channels per frame ({@code n_text_state}). */
    public int width() {
        return width;
    }

    /** Frames of the window held (0 before the first fill). */
    public int frames() {
        return frames;
    }

    /** Makes room for {@code frames} frames and marks them held; returns this. */
    CrossKeysValues resize(int frames) {
        int need = frames * width;
        for (int l = 0; l < keys.length; l++) {
            if (keys[l].length < need) {
                int grown = Math.max(need, keys[l].length + keys[l].length / 2);
                keys[l] = new short[grown];
                values[l] = new short[grown];
            }
        }
        this.frames = frames;
        return this;
    }

    short[] keys(int layer) {
        return keys[layer];
    }

    short[] values(int layer) {
        return values[layer];
    }
}
