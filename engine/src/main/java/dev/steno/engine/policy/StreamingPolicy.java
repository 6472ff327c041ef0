package dev.steno.engine.policy;

/**
 * A streaming policy: decides, over repeated calls to a speech recogniser on a growing audio buffer, which words are
 * final (committed) and which are still tentative.
 *
 * <p>The caller appends audio with {@link #insertAudio}, calls {@link #process()} whenever it wants an update (for
 * example after every second of audio), and {@link #finish()} at the end of an utterance or stream. All times are
 * absolute stream seconds: the policy adds its own buffer offset to the recogniser's request-relative times.
 *
 * <p>Committed output is append-only: the concatenation of the {@link PolicyStep#committed()} lists of all steps
 * is the final transcript, each word appearing once.
 *
 * <p><b>Threading.</b> A policy holds the state of one stream and is not thread-safe; one session drives it from one
 * thread at a time. The recogniser it wraps may be shared between policies.
 */
public interface StreamingPolicy {
    /**
     * Appends audio to the buffer. The samples are copied; the caller may reuse the array.
     *
     * @param samples16k mono samples at 16 kHz in [-1, 1]
     * @param offset     index of the first sample to take
     * @param length     number of samples to take
     * @throws IndexOutOfBoundsException when the range lies outside the array
     */
    void insertAudio(float[] samples16k, int offset, int length);

    /** Appends all of {@code samples16k}; see {@link #insertAudio(float[], int, int)}. */
    default void insertAudio(float[] samples16k) {
        insertAudio(samples16k, 0, samples16k.length);
    }

    /**
     * Runs one processing step over the buffered audio: calls the recogniser, commits what the policy now considers
     * final and may drop audio that is no longer needed.
     *
     * @return the words committed by this step and the current tentative words
     * @throws dev.steno.engine.asr.RecognitionException when the recogniser fails; the buffered audio is kept so the
     *                                                   step can be retried
     */
    PolicyStep process();

    /**
     * Ends the current utterance: the tentative words become committed (LocalAgreement: as they are, with no further
     * recogniser call; AlignAtt: after one last step with its end-of-utterance rules), and the audio buffer is emptied, its start moving to the end of the audio received so far. The policy stays
     * usable: audio inserted afterwards continues the stream, and the committed text stays available as prompt
     * context.
     *
     * @return the words committed by finishing (the former tentative words); no tentative words remain
     */
    PolicyStep finish();

    /** Seconds of audio currently buffered (not yet dropped by trimming). */
    double bufferedSeconds();

    /** Absolute stream time, in seconds, of the first buffered sample. */
    double bufferStartSeconds();

    /**
     * Absolute stream time up to which the transcript is final: the end of the last committed word, or, after
     * {@link #finish()} or {@link #reset(double)}, the point where the finished audio ended or the new window starts,
     * whichever is later.
     */
    double committedEndSeconds();

    /**
     * Starts a fresh window at {@code newOffsetSeconds}: buffered audio and tentative words are discarded (call
     * {@link #finish()} first to keep them), audio inserted afterwards is taken to start at that time. The committed
     * text is kept as prompt context for the next recogniser calls. Used after a pause that was not fed as audio.
     *
     * @param newOffsetSeconds absolute stream time of the next inserted sample, at least 0
     */
    void reset(double newOffsetSeconds);

    /**
     * Checks a {@link #reset} offset.
     *
     * @return {@code seconds}
     * @throws IllegalArgumentException when it is negative, infinite or NaN
     */
    static double requireOffset(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("offset must be finite and not negative: " + seconds);
        }
        return seconds;
    }
}
