package dev.steno.engine.session;

/**
 * What the {@link InferenceScheduler} drives: one stream's pipeline, fed audio and stepped by one worker at a time.
 * The stream pipeline ({@code dev.steno.engine.stream.TranscriptionStream}) is the production implementation.
 */
public interface Steppable {
    /** Appends 16 kHz mono audio; cheap, runs no recogniser call. */
    void accept(float[] samples16k, int offset, int length);

    /** Runs one processing step over the audio accepted so far. */
    void step();

    /**
     * Ends the current utterance without ending the stream: what is still tentative is committed and published, and
     * later audio continues the stream. By default just a step, for a session without utterances.
     */
    default void finishUtterance() {
        step();
    }

    /** Ends the stream: what is still tentative is committed and the final result published. */
    void finish();
}
