package dev.steno.engine.whisper.nn;

/**
 * The heads of a multi-head attention: {@code nHead} heads of {@code dHead} channels, side by side in a row of
 * {@link #width()} values (head h's channel e at {@code h*dHead + e}).
 */
public record HeadLayout(int nHead, int dHead) {
    /** Checks that both counts are positive. */
    public HeadLayout {
        if (nHead <= 0 || dHead <= 0) {
            throw new IllegalArgumentException("bad head layout " + nHead + "x" + dHead);
        }
    }

    /** Channels of all heads together ({@code n_state}). */
    public int width() {
        return nHead * dHead;
    }

    /** The factor of the attention scores, {@code 1 / sqrt(dHead)}. */
    float scale() {
        return (float) (1.0 / Math.sqrt(dHead));
    }
}
