package dev.steno.engine.session;

/**
 * Hears about trouble in one scheduled session, so the server can tell its client. Transcript updates do not come
 * through here: they go to the stream's own listeners.
 *
 * <p>Callbacks must be quick and must not block: {@link #onOverflow} runs on the thread that called
 * {@link ScheduledSession#addAudio} (a network thread), {@link #onError} on an inference worker. An exception thrown
 * by a callback is swallowed, so a faulty listener cannot stall the scheduler.
 */
public interface SessionListener {
    /** A listener that ignores everything. */
    SessionListener NONE = new SessionListener() {
    };

    /**
     * A listener that logs both kinds of trouble as warnings, naming the client: what a socket endpoint does when it
     * has nothing better to tell its client.
     *
     * @param log    where to log
     * @param client who is transcribed (a remote address), for the overflow message
     */
    static SessionListener logging(System.Logger log, Object client) {
        return new SessionListener() {
            @Override
            public void onOverflow(double droppedSeconds) {
                log.log(System.Logger.Level.WARNING, "client {0} lags: dropped {1} s of its oldest audio", client,
                        droppedSeconds);
            }

            @Override
            public void onError(Throwable error) {
                log.log(System.Logger.Level.WARNING, "transcription step failed: " + error.getMessage());
            }
        };
    }

    /**
     * The session's pending audio grew past its cap and its oldest part was dropped unheard. Committed text is not
     * affected; the transcript simply has a gap where the dropped audio was.
     *
     * @param droppedSeconds seconds of audio dropped by this one {@code addAudio} call
     */
    default void onOverflow(double droppedSeconds) {
    }

    /**
     * A step of the session threw. The session stays usable (the audio stays in the policy and the next step covers
     * it) unless too many steps failed in a row, in which case {@link ScheduledSession#finished()} completes
     * exceptionally with this error right after this call.
     *
     * @param error what the step threw, usually a {@link dev.steno.engine.asr.RecognitionException}
     */
    default void onError(Throwable error) {
    }
}
