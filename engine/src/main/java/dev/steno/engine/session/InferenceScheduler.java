package dev.steno.engine.session;

import dev.steno.engine.asr.SpeechRecognizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Runs the steps of every live stream ({@link Steppable}) on a fixed, small set of worker threads, so that the
 * number of inference calls in flight never exceeds what the machine (and the shared
 * {@link dev.steno.engine.asr.SpeechRecognizer}) can take, however many streams are connected.
 *
 * <p><b>Readiness.</b> A session is ready when its pending audio reaches {@link SessionOptions#minChunkSeconds()} or
 * its stream has ended. A ready session is in the ready queue at most once and runs on at most one worker at a time;
 * audio arriving meanwhile is coalesced into its next step (see {@link ScheduledSession}). Steps of different
 * sessions run in parallel, up to the number of workers.
 *
 * <p><b>Fairness.</b> A free worker takes the ready session whose oldest unprocessed audio arrived earliest. A
 * session that just ran goes to the back (its oldest audio is now the audio that came in during its step), so under
 * overload the sessions take turns and their lags stay comparable, instead of an eager or long-running session
 * starving the others. Ties go to the session registered first.
 *
 * <p><b>Closing.</b> {@link #close()} does not complete pending work: finishing every stream could take many steps
 * of compute at a moment when the process wants to stop. Every session not done yet is failed: its
 * {@link ScheduledSession#finished()} completes with a {@link RejectedExecutionException}, at once for sessions not
 * running, and when the step returns for the ones running (steps are never interrupted; whisper.cpp could not honour
 * it anyway). Clients get the text committed so far through their sinks. Workers are daemon threads, so a step stuck
 * in native code cannot keep the JVM alive.
 *
 * <p>Instances are independent: create one per recogniser (no global state).
 */
public final class InferenceScheduler implements AutoCloseable {
    /** How long {@link #close()} waits for running steps. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(10);

    private final int workerCount;
    private final int maxSessions;
    private final LongSupplier nanoClock;
    private final List<Thread> workers = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    // Guarded by lock.
    private final PriorityQueue<ScheduledSession> ready = new PriorityQueue<>(
            Comparator.<ScheduledSession>comparingLong(s -> s.queueKey).thenComparingLong(s -> s.sequence));
    private int busyWorkers;
    private long nextSequence;
    private volatile boolean closed;

    private final Set<ScheduledSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong failedSteps = new AtomicLong();
    private final LongAdder processedSamples = new LongAdder();
    private final LongAdder computeNanos = new LongAdder();
    private final AtomicLong overflows = new AtomicLong();
    private final LongAdder droppedSamples = new LongAdder();
    private final AtomicLong rejectedAudio = new AtomicLong();
    private final AtomicLong rejectedSessions = new AtomicLong();

    /**
     * A scheduler with no session limit on the system clock.
     *
     * @param workers worker threads, see {@link #defaultWorkers}
     */
    public InferenceScheduler(int workers) {
        this(workers, Integer.MAX_VALUE, System::nanoTime);
    }

    /**
     * @param workers     worker threads (named {@code steno-inference-N}, daemon), at least 1; see
     *                    {@link #defaultWorkers}
     * @param maxSessions sessions that may be registered at once; {@link #register} refuses more
     * @param nanoClock   clock for lag and compute figures, {@link System#nanoTime} outside tests
     */
    public InferenceScheduler(int workers, int maxSessions, LongSupplier nanoClock) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be >= 1, was " + maxSessions);
        }
        this.workerCount = workers;
        this.maxSessions = maxSessions;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        for (int i = 1; i <= workers; i++) {
            Thread t = new Thread(this::workLoop, "steno-inference-" + i);
            t.setDaemon(true);
            this.workers.add(t);
        }
        this.workers.forEach(Thread::start);
    }

    /**
     * Workers for a machine: as many as the cores can feed when each inference call uses
     * {@code threadsPerInference} threads, at least 1. Two cores and whisper.cpp's default of 2 threads per call
     * give 1 worker; more workers than that only make every step slower.
     */
    public static int defaultWorkers(int availableProcessors, int threadsPerInference) {
        return Math.max(1, availableProcessors / Math.max(1, threadsPerInference));
    }

    /** Registers a session with the default options and the given minimum chunk; see {@link SessionOptions#of}. */
    public ScheduledSession register(Steppable session, double minChunkSeconds) {
        return register(session, SessionOptions.of(minChunkSeconds));
    }

    /**
     * Registers a session; the scheduler owns it until the returned handle's {@link ScheduledSession#finished()}
     * completes.
     *
     * @throws RejectedExecutionException when the scheduler is closed or already has {@code maxSessions} sessions
     */
    public ScheduledSession register(Steppable session, SessionOptions options) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(options, "options");
        lock.lock();
        try {
            if (closed) {
                throw new RejectedExecutionException("inference scheduler closed");
            }
            if (sessions.size() >= maxSessions) {
                rejectedSessions.incrementAndGet();
                throw new RejectedExecutionException("too many sessions: " + maxSessions + " running");
            }
            ScheduledSession scheduled = new ScheduledSession(this, session, options, nextSequence++);
            sessions.add(scheduled);
            return scheduled;
        } finally {
            lock.unlock();
        }
    }

    /** Sessions that may be registered at once ({@link Integer#MAX_VALUE} for no limit). */
    public int maxSessions() {
        return maxSessions;
    }

    /** Current figures. */
    public SchedulerStats stats() {
        int queued;
        int busy;
        lock.lock();
        try {
            queued = ready.size();
            busy = busyWorkers;
        } finally {
            lock.unlock();
        }
        double sr = SpeechRecognizer.SAMPLE_RATE;
        return new SchedulerStats(workerCount, sessions.size(), queued, busy, steps.get(), failedSteps.get(),
                processedSamples.sum() / sr, computeNanos.sum() / 1e9, overflows.get(), droppedSamples.sum() / sr,
                rejectedAudio.get(), rejectedSessions.get());
    }

    /** The largest {@link ScheduledSession#lagSeconds()} over the registered sessions, 0 with none. */
    public double maxLagSeconds() {
        double max = 0;
        for (ScheduledSession s : sessions) {
            max = Math.max(max, s.lagSeconds());
        }
        return max;
    }

    /** Closes and waits up to {@link #DEFAULT_CLOSE_GRACE} for running steps; see the class comment. */
    @Override
    public void close() {
        shutdown(DEFAULT_CLOSE_GRACE);
    }

    /**
     * Stops the scheduler (see the class comment) and waits up to {@code grace} for running steps to return.
     *
     * @return true when every worker has stopped; false when a step was still running after {@code grace} (its
     *         session completes when it returns)
     */
    public boolean shutdown(Duration grace) {
        lock.lock();
        try {
            closed = true;
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        for (ScheduledSession s : List.copyOf(sessions)) {
            s.abortForClose();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        try {
            for (Thread t : workers) {
                if (t == Thread.currentThread()) {
                    continue; // closed from a sink or listener on a worker: that worker exits after its step
                }
                while (t.isAlive()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void workLoop() {
        while (true) {
            ScheduledSession next;
            lock.lock();
            try {
                while (!closed && ready.isEmpty()) {
                    workAvailable.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                next = ready.poll();
                busyWorkers++;
            } finally {
                lock.unlock();
            }
            try {
                next.runOnce();
            } finally {
                lock.lock();
                try {
                    busyWorkers--;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    // ---- Called by ScheduledSession, which holds its own lock (session lock, then this lock; never the reverse) ----

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    boolean isClosed() {
        return closed;
    }

    void enqueue(ScheduledSession s, long key) {
        lock.lock();
        try {
            s.queueKey = key;
            ready.add(s);
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
    }

    void requeue(ScheduledSession s, long key) {
        lock.lock();
        try {
            if (ready.remove(s)) {
                s.queueKey = key;
                ready.add(s);
            }
        } finally {
            lock.unlock();
        }
    }

    void dequeue(ScheduledSession s) {
        lock.lock();
        try {
            ready.remove(s);
        } finally {
            lock.unlock();
        }
    }

    void unregister(ScheduledSession s) {
        sessions.remove(s);
    }

    void countStep(long samples, long nanos, boolean ok) {
        processedSamples.add(samples);
        computeNanos.add(Math.max(0, nanos));
        (ok ? steps : failedSteps).incrementAndGet();
    }

    void countOverflow(long samples) {
        overflows.incrementAndGet();
        droppedSamples.add(samples);
    }

    void countRejectedAudio() {
        rejectedAudio.incrementAndGet();
    }
}
