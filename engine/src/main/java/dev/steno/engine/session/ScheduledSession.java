package dev.steno.engine.session;

import dev.steno.engine.asr.SpeechRecognizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The thread-safe face of one stream ({@link Steppable}) registered with an {@link InferenceScheduler}: network
 * threads push audio here, workers run the session's steps.
 *
 * <p><b>Ownership.</b> From registration until {@link #finished()} completes, the scheduler owns the
 * stream: only its workers call it, one step at a time. Once {@code finished()} has completed,
 * however it completed, no worker touches the session again and its owner may read it (committed words, lines).
 *
 * <p><b>Audio.</b> {@link #addAudio} copies the samples into a pending queue under a short lock and returns; it never
 * waits for inference. Audio that arrives while the session waits for a worker or runs a step is coalesced into its
 * next step, so a session that falls behind processes more audio per step rather than queueing steps.
 *
 * <p><b>Pending cap.</b> Pending audio is bounded ({@link SessionOptions#maxPendingSeconds()}). When a session falls
 * so far behind that the cap is exceeded, the oldest pending audio is dropped and reported through
 * {@link SessionListener#onOverflow}: without a cap an overloaded server would grow every queue until it ran out of
 * memory and killed every stream. Only audio that no step has seen yet is dropped; text already committed, and the
 * audio already handed to the session, are never affected.
 *
 * <p><b>Completion.</b> {@link #finished()} completes normally after {@link #endOfStream()} once the last audio went
 * through a step and {@link Steppable#finish()} published the final update; exceptionally with a
 * {@link CancellationException} after {@link #cancel()}, with the step's error after
 * {@link SessionOptions#maxConsecutiveFailures()} failed steps in a row, or with a
 * {@link RejectedExecutionException} when the scheduler is closed first. It completes on a worker thread or on the
 * thread calling {@code cancel}/{@code close}; attach slow follow-up work with the {@code *Async} methods.
 */
public final class ScheduledSession {
    private static final int SR = SpeechRecognizer.SAMPLE_RATE;
    private static final long NONE = Long.MAX_VALUE;

    private enum State { IDLE, QUEUED, RUNNING, DONE }

    /** Audio from one {@code addAudio} call; {@code start} moves when the cap cuts into it. */
    private static final class Chunk {
        final float[] samples;
        final long arrivalNanos;
        int start;

        Chunk(float[] samples, long arrivalNanos) {
            this.samples = samples;
            this.arrivalNanos = arrivalNanos;
        }

        int length() {
            return samples.length - start;
        }
    }

    private final InferenceScheduler scheduler;
    private final Steppable session;
    private final SessionOptions options;
    private final long minChunkSamples;
    private final long maxPendingSamples;
    /** Registration order: breaks ties between equally old sessions, first come first served. */
    final long sequence;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    private long pendingSamples;
    private State state = State.IDLE;
    private boolean endRequested;
    /** A {@link #finishUtterance()} waits for the next step. */
    private boolean utteranceEndRequested;
    private boolean cancelled;
    private long endRequestedNanos = NONE;
    /** Arrival of the oldest audio handed to the session but not yet through a successful step. */
    private long oldestInSessionNanos = NONE;
    /** Priority in the ready queue; written under this lock and the scheduler's, read under the scheduler's. */
    long queueKey;

    // Owned by whichever worker runs the session; the state hand-over under lock orders the accesses.
    private boolean unsteppedAudio;
    private int consecutiveFailures;

    ScheduledSession(InferenceScheduler scheduler, Steppable session, SessionOptions options,
                     long sequence) {
        this.scheduler = scheduler;
        this.session = Objects.requireNonNull(session, "session");
        this.options = Objects.requireNonNull(options, "options");
        this.minChunkSamples = Math.max(1, Math.round(options.minChunkSeconds() * SR));
        this.maxPendingSamples = Math.max(1, Math.round(options.maxPendingSeconds() * SR));
        this.sequence = sequence;
    }

    /**
     * Queues 16 kHz mono audio for the next step. The samples are copied; the caller may reuse the array. Never
     * waits for inference. If the pending audio now exceeds the cap, the oldest pending audio is dropped and
     * {@link SessionListener#onOverflow} is called on this thread.
     *
     * @return false when the audio was refused because the session ended, was cancelled or failed, or the scheduler
     *         was closed (a normal race when a client disconnects; counted in the stats)
     * @throws IndexOutOfBoundsException when the range lies outside the array
     */
    public boolean addAudio(float[] samples16k, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, samples16k.length);
        // Copy and read the clock before taking the lock, to keep the critical section short.
        float[] copy = Arrays.copyOfRange(samples16k, offset, offset + length);
        long now = scheduler.nanoTime();
        long dropped;
        synchronized (lock) {
            if (state == State.DONE || endRequested || cancelled || scheduler.isClosed()) {
                scheduler.countRejectedAudio();
                return false;
            }
            if (length == 0) {
                return true;
            }
            pending.addLast(new Chunk(copy, now));
            pendingSamples += length;
            dropped = dropOverCap();
            if (state == State.IDLE && isReady()) {
                enqueue();
            } else if (state == State.QUEUED && dropped > 0) {
                // The oldest audio is gone, so the session is younger than its place in the queue says.
                scheduler.requeue(this, oldestPendingNanos());
            }
        }
        if (dropped > 0) {
            double seconds = dropped / (double) SR;
            scheduler.countOverflow(dropped);
            try {
                options.listener().onOverflow(seconds);
            } catch (RuntimeException ignored) {
                // A faulty listener must not break the network thread's audio path.
            }
        }
        return true;
    }

    /**
     * Ends the stream: the audio still pending goes through a last step, then {@link Steppable#finish()}
     * publishes the final update and {@link #finished()} completes. Later audio is refused. Calling it again, or
     * after the session is done, does nothing.
     */
    public void endOfStream() {
        synchronized (lock) {
            if (state == State.DONE || endRequested || cancelled) {
                return;
            }
            endRequested = true;
            endRequestedNanos = scheduler.nanoTime();
            if (state == State.IDLE) {
                enqueue();
            }
            // QUEUED: already waiting. RUNNING: the worker sees endRequested when the step returns and queues again.
        }
    }

    /**
     * Ends the current utterance without ending the stream: the next step (queued now if the session is idle) moves
     * the pending audio in and calls {@link Steppable#finishUtterance()} instead of a plain step. Requests made before
     * that step runs are one. Does nothing once the stream is ending or done.
     */
    public void finishUtterance() {
        synchronized (lock) {
            if (state == State.DONE || endRequested || cancelled) {
                return;
            }
            utteranceEndRequested = true;
            if (state == State.IDLE) {
                enqueue();
            }
        }
    }

    /**
     * Gives up on the session (the client is gone): pending audio is dropped and no further step starts. A step
     * already running completes, and {@link #finished()} completes with a {@link CancellationException} once it has,
     * so the session is free for its owner exactly when the future completes. Does nothing once the session is done.
     */
    public void cancel() {
        boolean completeNow;
        synchronized (lock) {
            if (state == State.DONE || cancelled) {
                return;
            }
            cancelled = true;
            clearPending();
            if (state == State.QUEUED) {
                scheduler.dequeue(this);
            }
            completeNow = state != State.RUNNING;
            if (completeNow) {
                state = State.DONE;
            }
        }
        if (completeNow) {
            complete(new CancellationException("session cancelled"));
        }
    }

    /** Completes when the session is done; see the class comment for how. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** True once {@link #finished()} has completed, normally or not. */
    public boolean isDone() {
        return finished.isDone();
    }

    /** Seconds of audio waiting for a step (not counting audio a running step is processing). */
    public double pendingSeconds() {
        synchronized (lock) {
            return pendingSamples / (double) SR;
        }
    }

    /**
     * Age, by the scheduler's clock, of the oldest audio that has not been through a successful step yet: pending
     * audio, audio in a running step, or audio whose step failed. 0 when everything received has been processed.
     */
    public double lagSeconds() {
        long now = scheduler.nanoTime();
        synchronized (lock) {
            long oldest = Math.min(oldestInSessionNanos, oldestPendingNanos());
            return oldest == NONE ? 0 : Math.max(0, now - oldest) / 1e9;
        }
    }

    /** The options the session was registered with. */
    public SessionOptions options() {
        return options;
    }

    // ---- Scheduler side ----

    /**
     * Runs one step on the calling worker: moves the pending audio into the session, steps it (or, at the end of
     * the stream, steps the last audio and finishes), then queues the session again if it is ready.
     */
    void runOnce() {
        List<Chunk> work;
        boolean finishing;
        boolean endingUtterance = false;
        synchronized (lock) {
            if (state != State.QUEUED) {
                return; // cancelled or closed between leaving the queue and getting here
            }
            if (scheduler.isClosed()) {
                // Taken from the queue just before the scheduler closed: do not start new work.
                state = State.DONE;
                clearPending();
                work = null;
                finishing = false;
            } else {
                state = State.RUNNING;
                work = new ArrayList<>(pending);
                if (!work.isEmpty()) {
                    oldestInSessionNanos = Math.min(oldestInSessionNanos, work.getFirst().arrivalNanos);
                }
                pending.clear();
                pendingSamples = 0;
                finishing = endRequested;
                endingUtterance = utteranceEndRequested && !finishing;
                utteranceEndRequested = false;
            }
        }
        if (work == null) {
            complete(new RejectedExecutionException("inference scheduler closed"));
            return;
        }

        Throwable error = null;
        long moved = 0;
        long start = scheduler.nanoTime();
        try {
            for (Chunk chunk : work) {
                session.accept(chunk.samples, chunk.start, chunk.length());
                moved += chunk.length();
                unsteppedAudio = true;
            }
            // A step is needed even when finishing: finish() commits the tentative words without hearing new audio.
            if (endingUtterance) {
                session.finishUtterance(); // transcribes the unstepped audio too
                unsteppedAudio = false;
            } else if (unsteppedAudio || !finishing) {
                session.step();
                unsteppedAudio = false;
            }
            if (finishing) {
                session.finish();
            }
        } catch (Throwable t) {
            // Anything, even an Error from native code: the worker thread must survive to serve the other sessions.
            error = t;
        }
        scheduler.countStep(moved, scheduler.nanoTime() - start, error == null);

        Throwable completion = null;
        boolean done;
        boolean failed = false;
        synchronized (lock) {
            if (error == null) {
                consecutiveFailures = 0;
                oldestInSessionNanos = NONE;
            } else {
                failed = ++consecutiveFailures >= options.maxConsecutiveFailures();
            }
            done = true;
            if (finishing && error == null) {
                completion = null;
            } else if (cancelled) {
                completion = new CancellationException("session cancelled");
            } else if (failed) {
                completion = error;
            } else if (scheduler.isClosed()) {
                completion = new RejectedExecutionException("inference scheduler closed");
            } else {
                done = false;
            }
            if (done) {
                state = State.DONE;
                clearPending();
            } else if (isReady()) {
                enqueue();
            } else {
                state = State.IDLE;
            }
        }
        if (error != null) {
            try {
                options.listener().onError(error);
            } catch (RuntimeException ignored) {
                // A faulty listener must not kill the worker.
            }
        }
        if (done) {
            complete(completion);
        }
    }

    /** The scheduler is closing: a session not running now is failed at once, a running one when its step ends. */
    void abortForClose() {
        synchronized (lock) {
            if (state == State.DONE || state == State.RUNNING) {
                return;
            }
            if (state == State.QUEUED) {
                scheduler.dequeue(this);
            }
            state = State.DONE;
            clearPending();
        }
        complete(new RejectedExecutionException("inference scheduler closed"));
    }

    private void complete(Throwable failure) {
        scheduler.unregister(this);
        if (failure == null) {
            finished.complete(null);
        } else {
            finished.completeExceptionally(failure);
        }
    }

    // Callers hold lock.

    private boolean isReady() {
        return endRequested || utteranceEndRequested || pendingSamples >= minChunkSamples;
    }

    private void enqueue() {
        state = State.QUEUED;
        long oldest = oldestPendingNanos();
        scheduler.enqueue(this, oldest == NONE ? endRequestedNanos : oldest);
    }

    private long oldestPendingNanos() {
        Chunk first = pending.peekFirst();
        return first == null ? NONE : first.arrivalNanos;
    }

    /** Drops the oldest pending samples beyond the cap; returns how many. */
    private long dropOverCap() {
        long excess = pendingSamples - maxPendingSamples;
        long dropped = 0;
        while (excess > 0) {
            Chunk first = pending.peekFirst();
            int n = (int) Math.min(excess, first.length());
            if (n == first.length()) {
                pending.removeFirst();
            } else {
                first.start += n;
            }
            excess -= n;
            dropped += n;
        }
        pendingSamples -= dropped;
        return dropped;
    }

    private void clearPending() {
        pending.clear();
        pendingSamples = 0;
    }
}
