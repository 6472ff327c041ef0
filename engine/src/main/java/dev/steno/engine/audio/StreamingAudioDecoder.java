package dev.steno.engine.audio;

/**
 * Turns an audio byte stream that arrives in arbitrary pieces (WebSocket frames, HTTP body chunks) into mono 16 kHz
 * float samples, delivered to the {@link AudioSink} given at construction as soon as they can be decoded.
 *
 * <p>How the bytes are split does not change the output: any split, followed by {@link #end}, delivers the same
 * samples. Calls run on the caller's thread and the sink is called from inside them. Instances are not thread-safe.
 *
 * <p>Lifecycle: {@link #push} any number of times, then {@link #end} once. After {@code end}, or after either method
 * threw an {@link AudioFormatException}, the decoder is finished and further {@code push} calls throw
 * {@link IllegalStateException}; a second {@code end} does nothing.
 */
public interface StreamingAudioDecoder {
    /**
     * Decodes the next {@code len} bytes at {@code data[off]}; the array is not retained.
     *
     * @throws AudioFormatException the bytes are not in the expected format or are damaged; the message says what was
     *                              found, so it can be shown to the sender
     */
    void push(byte[] data, int off, int len) throws AudioFormatException;

    /**
     * Ends the stream: delivers the samples held back for look-ahead.
     *
     * @throws AudioFormatException the stream ended where it cannot (for example before a WebM stream said what it
     *                              holds); everything decodable was delivered before the exception
     */
    void end() throws AudioFormatException;

    /** The format being decoded; {@link InputFormat#UNKNOWN} only while a detecting decoder has not decided yet. */
    InputFormat format();

    /** Samples delivered to the sink so far, at 16 kHz. */
    long samplesDelivered();
}
