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

    /** Ends the stream: what is still tentative is committed and the final result published. */
    void finish();
}
