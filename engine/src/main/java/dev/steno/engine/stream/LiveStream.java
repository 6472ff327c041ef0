package dev.steno.engine.stream;

import dev.steno.engine.session.ScheduledSession;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link TranscriptionStream} running on a {@link StreamService}'s scheduler: the thread-safe handle that ingest
 * paths (sockets, RTP receivers, audio sources) feed. Obtained from {@link StreamBuilder#open()}.
 *
 * <p>Audio is counted here, once, for every path. The stream itself is the scheduler's until {@link #finished()}
 * completes; after that its owner may read it ({@link #stream()}).
 */
public final class LiveStream {
    private final ScheduledSession scheduled;
    private final TranscriptionStream stream;
    private final StreamCounters counters;
    private final CompletableFuture<Void> finished;

    LiveStream(ScheduledSession scheduled, TranscriptionStream stream, StreamCounters counters,
               CompletableFuture<Void> finished) {
        this.scheduled = scheduled;
        this.stream = stream;
        this.counters = counters;
        this.finished = finished;
    }

    /**
     * Queues 16 kHz mono audio for the next step; the samples are copied. Never waits for inference.
     *
     * @return false when the stream no longer takes audio (ended, cancelled, failed, or the service closed)
     * @see ScheduledSession#addAudio
     */
    public boolean addAudio(float[] samples16k, int offset, int length) {
        boolean taken = scheduled.addAudio(samples16k, offset, length);
        if (taken) {
            counters.countAudio(length);
        }
        return taken;
    }

    /** Ends the stream: pending audio is transcribed, the final update published, then {@link #finished()} completes. */
    public void endOfStream() {
        scheduled.endOfStream();
    }

    /**
     * Ends the current utterance on the next step and keeps the stream open: the audio queued so far is transcribed
     * and committed, and the update goes to {@link StreamListener#onUtteranceFinished}; see
     * {@link ScheduledSession#finishUtterance()}.
     */
    public void finishUtterance() {
        scheduled.finishUtterance();
    }

    /** Gives up on the stream (the client is gone); see {@link ScheduledSession#cancel()}. */
    public void cancel() {
        scheduled.cancel();
    }

    /**
     * Completes when the stream is done, as {@link ScheduledSession#finished()} does, once the stream has been closed
     * and counted.
     */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** True once {@link #finished()} has completed. */
    public boolean isDone() {
        return finished.isDone();
    }

    /** Age of the oldest audio not yet through a step; see {@link ScheduledSession#lagSeconds()}. */
    public double lagSeconds() {
        return scheduled.lagSeconds();
    }

    /** Seconds of audio waiting for a step. */
    public double pendingSeconds() {
        return scheduled.pendingSeconds();
    }

    /** The stream; read it only once {@link #finished()} has completed. */
    public TranscriptionStream stream() {
        return stream;
    }
}
