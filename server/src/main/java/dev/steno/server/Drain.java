package dev.steno.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Taking this node out of service without losing text: the one lifecycle every endpoint consults.
 *
 * <p>While the node serves, every live piece of work (a WebSocket session, an upload being transcribed, a feature
 * module's streams) is {@linkplain #admit admitted} as a {@link Member}. Once {@linkplain #start() draining}, nothing
 * new is admitted (endpoints answer 503 with {@code Retry-After}, or close an upgraded socket with 1013), every member
 * is asked to {@linkplain Member#drain() wind down} — end its utterance so that the committed text and final results
 * go out and are stored, then close its socket with 1001 so that the client reconnects elsewhere — and the drain
 * waits until every member has released its registration, at most the timeout. Members still there at the deadline
 * are {@linkplain Member#stop() stopped}.
 *
 * <p>A drain happens once per node; whoever asks for it again (the admin endpoint, then the process's shutdown) gets
 * the same outcome. Thread-safe.
 */
public final class Drain {
    private static final System.Logger LOG = System.getLogger(Drain.class.getName());

    /** Something live that a drain winds down. */
    public interface Member {
        /**
         * The node drains: finish what is in flight (end the utterance, deliver and store the final results), then
         * close the connection with 1001 and {@linkplain Registration#close() release} the registration. Called once,
         * on the drain's thread; must not block.
         */
        void drain();

        /** The deadline passed before this member released its registration: stop now. Must not block. */
        void stop();

        /** What the member is, for the log of a drain that had to stop it ("/asr session from 10.0.0.7:5123"). */
        default String describe() {
            return "a session";
        }

        /** A member made of two actions. */
        static Member of(Runnable drain, Runnable stop) {
            return of(() -> "a session", drain, stop);
        }

        /** A member made of two actions, described for the log by {@code what} (asked when a drain stops it). */
        static Member of(Supplier<String> what, Runnable drain, Runnable stop) {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(drain, "drain");
            Objects.requireNonNull(stop, "stop");
            return new Member() {
                @Override
                public void drain() {
                    drain.run();
                }

                @Override
                public void stop() {
                    stop.run();
                }

                @Override
                public String describe() {
                    return what.get();
                }
            };
        }
    }

    /** A member's place in the node; closing it says the member is done. Closing twice does nothing. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * How a drain ended.
     *
     * @param finished members that were live when the drain began and released their registration in time
     * @param stopped  members stopped at the deadline
     */
    public record Outcome(int finished, int stopped) {
    }

    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    // guarded by lock
    private final Set<Entry> members = new LinkedHashSet<>();
    private boolean draining;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    /** @param timeout how long a drain waits for its members before it stops them; more than 0 */
    public Drain(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the drain timeout must be more than 0, was " + timeout);
        }
        this.timeout = timeout;
    }

    /** How long a drain waits for its members. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Admits a new piece of work, unless the node drains.
     *
     * @return its registration, to close once the work is over; empty when the node drains (refuse the work with a
     *         retryable answer: HTTP 503 with {@code Retry-After}, or close code 1013)
     */
    public Optional<Registration> admit(Member member) {
        Entry e = new Entry(Objects.requireNonNull(member, "member"));
        lock.lock();
        try {
            if (draining) {
                return Optional.empty();
            }
            members.add(e);
            return Optional.of(e);
        } finally {
            lock.unlock();
        }
    }

    /** True once a drain started: the node takes no new work and reports not ready. */
    public boolean draining() {
        lock.lock();
        try {
            return draining;
        } finally {
            lock.unlock();
        }
    }

    /** Members admitted and not yet released. */
    public int members() {
        lock.lock();
        try {
            return members.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the drain on a thread of its own, unless it already started; returns at once.
     *
     * @return completes with the outcome once every member released its registration or the deadline passed
     */
    public CompletableFuture<Outcome> start() {
        List<Entry> live = begin();
        if (live != null) {
            Thread t = new Thread(() -> finish(live.size()), "steno-drain");
            t.setDaemon(true);
            t.start();
        }
        return outcome;
    }

    /** Completes with the outcome of the drain once one ran; never completes while the node serves. */
    public CompletableFuture<Outcome> finished() {
        return outcome;
    }

    /** Refuses new work and tells every member to drain; returns them, or null when a drain had already begun. */
    private List<Entry> begin() {
        List<Entry> live;
        lock.lock();
        try {
            if (draining) {
                return null;
            }
            draining = true;
            live = new ArrayList<>(members);
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.INFO, "draining: {0} live session(s) finish, for at most {1} s", live.size(),
                timeout.toMillis() / 1000.0);
        for (Entry e : live) {
            try {
                e.member.drain();
            } catch (RuntimeException failed) {
                LOG.log(System.Logger.Level.WARNING, "a session failed to start draining; it is stopped", failed);
                stopQuietly(e);
            }
        }
        return live;
    }

    /**
     * Waits for the members until the deadline, stops the rest, completes the outcome.
     *
     * @param before members live when the drain began
     */
    private void finish(int before) {
        List<Entry> left;
        boolean interrupted = false;
        lock.lock();
        try {
            long wait = timeout.toNanos();
            while (!members.isEmpty() && wait > 0) {
                try {
                    wait = released.awaitNanos(wait);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            left = new ArrayList<>(members);
        } finally {
            lock.unlock();
        }
        for (Entry e : left) {
            stopQuietly(e);
        }
        Outcome o = new Outcome(before - left.size(), left.size());
        if (left.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "drained: {0} session(s) finished", o.finished());
        } else {
            LOG.log(System.Logger.Level.WARNING, "drained: {0} session(s) finished, {1} stopped at the deadline: {2}",
                    o.finished(), o.stopped(), String.join("; ", left.stream().map(Drain::describe).toList()));
        }
        outcome.complete(o);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Entry e) {
        try {
            return e.member.describe();
        } catch (RuntimeException failed) {
            return "a session (" + failed + ")";
        }
    }

    private static void stopQuietly(Entry e) {
        try {
            e.member.stop();
        } catch (RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "stopping a draining session failed", failed);
        }
    }

    /** One admitted member; identity matters, two admissions of one member are two entries. */
    private final class Entry implements Registration {
        final Member member;

        Entry(Member member) {
            this.member = member;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (members.remove(this)) {
                    released.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
