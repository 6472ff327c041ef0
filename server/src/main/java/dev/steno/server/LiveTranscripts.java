package dev.steno.server;

import dev.steno.engine.stream.StreamListener;
import dev.steno.engine.transcript.TranscriptUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fan-out of the live client sessions' transcripts to whoever follows them (OBS captions of a browser tab that
 * transcribes the streamer's microphone, for example). Each session adds {@link #listenerFor} to its stream's
 * listeners; followers {@link #follow}. Thread-safe.
 */
public final class LiveTranscripts {
    private static final System.Logger LOG = System.getLogger(LiveTranscripts.class.getName());

    /** Hears every update of every live client session. */
    @FunctionalInterface
    public interface Follower {
        /**
         * Called on an inference worker thread: must be quick and must not block.
         *
         * @param sessionId   identifies the session among the live ones
         * @param streamStart wall-clock time of the session's stream time 0 (when the client connected)
         */
        void onUpdate(long sessionId, Instant streamStart, TranscriptUpdate update);
    }

    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    /** Follows every live session's updates; closing the result stops. */
    public AutoCloseable follow(Follower follower) {
        followers.add(Objects.requireNonNull(follower, "follower"));
        return () -> followers.remove(follower);
    }

    /**
     * A listener for one session's stream that hands its updates to the followers under a new session id; a
     * failing follower is logged, and neither stops the others nor the session.
     *
     * @param streamStart wall-clock time of the session's stream time 0
     */
    public StreamListener listenerFor(Instant streamStart) {
        long id = ids.incrementAndGet();
        return update -> {
            for (Follower f : followers) {
                try {
                    f.onUpdate(id, streamStart, update);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "live transcript follower failed", e);
                }
            }
        };
    }
}
