package dev.steno.obs.cea608;

/** Receives the byte pair of each video frame, in frame order (an SCC writer, a muxer, a test). */
@FunctionalInterface
public interface PairConsumer {
    /**
     * @param frame the frame's index from the start of the caption stream (0, 1, 2, ...)
     * @param pair  {@code first << 8 | second}, parity applied; {@code 0x8080} is padding
     */
    void accept(long frame, int pair);
}
