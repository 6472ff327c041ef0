package dev.steno.engine.whisper;

/**
 * Whisper's audio encoder, however it runs: in Java ({@link WhisperEncoder}) or on onnxruntime
 * ({@link OnnxWhisperEncoder}). The decoder, beams, AlignAtt and word timing work the same on top of either.
 *
 * <p>Implementations are thread-safe: calls from different threads run at once, up to {@link #concurrentCalls()}.
 */
public interface AudioEncoder extends AutoCloseable {
    /** The longest window, in encoder frames (1500 for 30 s). */
    int maxFrames();

    /** Width of one encoder frame ({@code n_audio_state}). */
    int width();

    /** How many calls may run at once. */
    int concurrentCalls();

    /** The {@code --encoder} name of this implementation: {@code java}, {@code onnx} or {@code onnx-int8}. */
    String name();

    /**
     * Encodes a log-mel window.
     *
     * @param mel    {@code n_mels * 2*frames} values, mel-major: band m, mel frame t at {@code m*2*frames + t}
     * @param frames encoder frames, 1 to {@link #maxFrames()} (each covers two 10 ms mel frames)
     * @param out    receives {@code frames * width()} values, frame-major
     * @throws IllegalArgumentException if frames is out of range or an array is too short
     */
    void encode(float[] mel, int frames, float[] out);

    /**
     * As {@link #encode(float[], int, float[])}, also computing the decoder's cross-attention keys and values into
     * {@code cross} when this encoder can (an ONNX graph computes them with the encoder, in its arithmetic).
     *
     * @return whether {@code cross} now holds this window's keys and values; when false the decoder computes them
     */
    default boolean encode(float[] mel, int frames, float[] out, CrossKeysValues cross) {
        encode(mel, frames, out);
        return false;
    }

    /** Allocates a log-mel-sized result of {@link #encode(float[], int, float[])}. */
    default float[] encode(float[] mel, int frames) {
        float[] out = new float[frames * width()];
        encode(mel, frames, out);
        return out;
    }

    /** Releases native resources, if any; the Java encoder holds none. */
    @Override
    default void close() {
    }
}
