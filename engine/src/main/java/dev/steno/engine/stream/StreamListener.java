package dev.steno.engine.stream;

import dev.steno.engine.transcript.TranscriptUpdate;

/**
 * Hears every update of one stream, in order, on the thread that runs the stream's steps (a scheduler worker in
 * live use): it must be quick and must not block. Any number of listeners may be added to a stream (a socket, a
 * caption feed, a meeting store); each gets the same update.
 */
@FunctionalInterface
public interface StreamListener {
    /** Called once per published update. */
    void onUpdate(TranscriptUpdate update);

    /**
     * Called instead of {@link #onUpdate} for the update of an utterance its owner ended early
     * ({@link LiveStream#finishUtterance()}), so that a protocol can mark that result (Deepgram's
     * {@code from_finalize}); by default it is an ordinary update.
     */
    default void onUtteranceFinished(TranscriptUpdate update) {
        onUpdate(update);
    }
}
