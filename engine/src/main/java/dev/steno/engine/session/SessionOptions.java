package dev.steno.engine.session;

import java.util.Objects;

/**
 * How the {@link InferenceScheduler} treats one session.
 *
 * @param minChunkSeconds        least new audio that makes the session ready for a step ({@code --min-chunk-size});
 *                               a lagging session takes all its pending audio in one step, however much that is
 * @param maxPendingSeconds      cap on audio waiting for a step; beyond it the oldest pending audio is dropped, see
 *                               {@link ScheduledSession#addAudio}. At least {@code minChunkSeconds}
 * @param maxConsecutiveFailures how many steps in a row may throw before the session is failed, at least 1
 * @param listener               hears about overflows and errors
 */
public record SessionOptions(double minChunkSeconds, double maxPendingSeconds, int maxConsecutiveFailures,
                             SessionListener listener) {
    /** Default cap on pending audio: a minute, far beyond any healthy lag, yet only about 4 MB per session. */
    public static final double DEFAULT_MAX_PENDING_SECONDS = 60;
    /** Default number of failed steps in a row after which a session is failed. */
    public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;

    public SessionOptions {
        if (!(minChunkSeconds >= 0) || Double.isInfinite(minChunkSeconds)) {
            throw new IllegalArgumentException("min chunk must be finite and >= 0 s, was " + minChunkSeconds);
        }
        if (!(maxPendingSeconds >= minChunkSeconds) || !(maxPendingSeconds > 0) || Double.isInfinite(maxPendingSeconds)) {
            throw new IllegalArgumentException("max pending must be finite, > 0 and >= the min chunk ("
                    + minChunkSeconds + " s), was " + maxPendingSeconds);
        }
        if (maxConsecutiveFailures < 1) {
            throw new IllegalArgumentException("max consecutive failures must be >= 1, was " + maxConsecutiveFailures);
        }
        Objects.requireNonNull(listener, "listener");
    }

    /** The defaults with the given minimum chunk: 60 s pending cap, 3 failures in a row, no listener. */
    public static SessionOptions of(double minChunkSeconds) {
        return new SessionOptions(minChunkSeconds, Math.max(DEFAULT_MAX_PENDING_SECONDS, minChunkSeconds),
                DEFAULT_MAX_CONSECUTIVE_FAILURES, SessionListener.NONE);
    }

    public SessionOptions withMaxPendingSeconds(double seconds) {
        return new SessionOptions(minChunkSeconds, seconds, maxConsecutiveFailures, listener);
    }

    public SessionOptions withMaxConsecutiveFailures(int failures) {
        return new SessionOptions(minChunkSeconds, maxPendingSeconds, failures, listener);
    }

    public SessionOptions withListener(SessionListener newListener) {
        return new SessionOptions(minChunkSeconds, maxPendingSeconds, maxConsecutiveFailures, newListener);
    }
}
