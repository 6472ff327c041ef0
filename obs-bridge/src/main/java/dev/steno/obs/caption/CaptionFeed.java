package dev.steno.obs.caption;

import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Turns transcript updates into caption calls and delivers them to every {@link CaptionSink} on one thread of its
 * own, so the inference workers that publish updates never wait for a network sink.
 *
 * <p>Committed words are queued and delivered in order, never dropped. Tentative text is coalesced: only the newest
 * is kept, so a slow sink skips intermediate partials (shed first under load). When no new words arrived for the
 * silence timeout, or the transcript reports a pause line, every sink hears {@link CaptionSink#silence()} once.
 */
public final class CaptionFeed implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CaptionFeed.class.getName());

    private final List<CaptionSink> sinks;
    private final long silenceNanos;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService thread;
    private final Object lock = new Object();
    // guarded by lock
    private final ArrayDeque<CommittedWords> committed = new ArrayDeque<>();
    private String pendingPartial;
    private String lastPartial = "";
    private boolean silencePending;
    private boolean silenceSent = true;
    private long lastActivity;
    private double lastSilenceLineEnd = -1;
    private boolean drainScheduled;
    private boolean closed;

    /**
     * @param sinks          where captions go, called in this order
     * @param silenceTimeout quiet time after which displays are cleared
     */
    public CaptionFeed(List<? extends CaptionSink> sinks, Duration silenceTimeout) {
        this(sinks, silenceTimeout, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steno-captions");
            t.setDaemon(true);
            return t;
        }), System::nanoTime);
    }

    /**
     * @param thread   runs the deliveries and the silence check; it must run one task at a time, and the feed owns it
     *                 from now on ({@link #close()} shuts it down)
     * @param nanoTime the clock of the silence timeout
     */
    CaptionFeed(List<? extends CaptionSink> sinks, Duration silenceTimeout, ScheduledExecutorService thread,
                LongSupplier nanoTime) {
        this.sinks = List.copyOf(sinks);
        this.silenceNanos = silenceTimeout.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (silenceNanos <= 0) {
            thread.shutdown();
            throw new IllegalArgumentException("the silence timeout must be positive, was " + silenceTimeout);
        }
        this.thread = Objects.requireNonNull(thread, "thread");
        long period = Math.max(50, Math.min(250, silenceTimeout.toMillis() / 4));
        thread.scheduleAtFixedRate(this::checkSilence, period, period, TimeUnit.MILLISECONDS);
    }

    /** The sinks, in delivery order. */
    public List<CaptionSink> sinks() {
        return sinks;
    }

    /**
     * Takes one update of a live session. Cheap and non-blocking: call it from the session's sink.
     *
     * @param streamStart the wall-clock instant of the session's stream time 0
     */
    public void accept(TranscriptUpdate update, Instant streamStart) {
        long now = nanoTime.getAsLong();
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (!update.newlyCommitted().isEmpty()) {
                for (SpeakerRuns.Run run : SpeakerRuns.of(update)) {
                    committed.addLast(new CommittedWords(run.speaker(), run.words(), streamStart));
                }
                pendingPartial = update.tentativeText().strip();
                activity(now);
            } else {
                String partial = update.tentativeText().strip();
                if (!partial.equals(pendingPartial != null ? pendingPartial : lastPartial)) {
                    pendingPartial = partial;
                    if (!partial.isEmpty()) {
                        activity(now);
                    }
                }
            }
            if (!update.lines().isEmpty()) {
                TranscriptLine last = update.lines().get(update.lines().size() - 1);
                if (last.isSilence() && last.end() > lastSilenceLineEnd) {
                    lastSilenceLineEnd = last.end();
                    if (!silenceSent) {
                        silencePending = true;
                    }
                }
            }
            scheduleDrain();
        }
    }

    private void activity(long now) {
        lastActivity = now;
        silenceSent = false;
        silencePending = false;
    }

    private void checkSilence() {
        synchronized (lock) {
            if (!silenceSent && !silencePending && nanoTime.getAsLong() - lastActivity >= silenceNanos) {
                silencePending = true;
                scheduleDrain();
            }
        }
    }

    private void scheduleDrain() {
        if (!drainScheduled && !closed) {
            drainScheduled = true;
            thread.execute(this::drain);
        }
    }

    /** Delivers what is pending: committed words in order, then the newest partial, then silence. */
    private void drain() {
        while (true) {
            CommittedWords words;
            String partial = null;
            boolean silence = false;
            synchronized (lock) {
                words = committed.pollFirst();
                if (words == null) {
                    if (pendingPartial != null) {
                        partial = pendingPartial;
                        lastPartial = partial;
                        pendingPartial = null;
                    } else if (silencePending) {
                        silence = true;
                        silencePending = false;
                        silenceSent = true;
                        lastPartial = "";
                    } else {
                        drainScheduled = false;
                        return;
                    }
                }
            }
            for (CaptionSink sink : sinks) {
                try {
                    if (words != null) {
                        sink.committed(words);
                    } else if (partial != null) {
                        sink.partial(partial);
                    } else if (silence) {
                        sink.silence();
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "caption sink " + sink.name() + " failed: " + e, e);
                }
            }
        }
    }

    /** Delivers what is still queued, then closes every sink. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        thread.execute(() -> {
            synchronized (lock) {
                drainScheduled = true;
            }
            drain();
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "caption sinks did not finish within 10 s");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CaptionSink sink : sinks) {
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing caption sink " + sink.name() + " failed: " + e, e);
            }
        }
    }
}
