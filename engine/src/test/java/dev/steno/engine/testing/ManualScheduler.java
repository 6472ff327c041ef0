package dev.steno.engine.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} on a virtual clock that the test moves: nothing runs until the test calls
 * {@link #advance} (or {@link #runDue}), and then every task that falls due runs on the test's own thread, in due
 * order, with {@link #nanoTime()} set to its due time. Code that takes a scheduler (and a clock) as a seam becomes
 * deterministic: "after 10 s nothing more happened" is then a fact about the tasks that ran, not a hope about a sleep.
 *
 * <p>Tasks may be scheduled from any thread; they run only inside {@code advance}. After {@link #shutdown()}
 * periodic tasks stop, and {@link #awaitTermination} runs what is already due before it returns, as a real
 * executor would finish its queue.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    /** A task that has not run yet: when it falls due, from now, and whether it repeats. */
    public record Pending(Duration dueIn, boolean periodic) {
    }

    private final Object lock = new Object();
    // guarded by lock
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long now;
    private long sequence;
    private boolean shutdown;
    private final AtomicLong oneShotsScheduled = new AtomicLong();

    /** The virtual time in nanoseconds: starts at 0 and moves only with {@link #advance}. */
    public long nanoTime() {
        synchronized (lock) {
            return now;
        }
    }

    /** Moves the clock forward by {@code step}, running every task that falls due on the way. */
    public void advance(Duration step) {
        long target;
        synchronized (lock) {
            target = now + step.toNanos();
        }
        while (true) {
            Task<?> next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = Math.max(now, next.due);
            }
            next.runNow();
        }
    }

    /** Runs what is due now (tasks given with no delay, or {@link #execute}d) without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** The tasks waiting to run, soonest first. */
    public List<Pending> pending() {
        synchronized (lock) {
            List<Task<?>> tasks = new ArrayList<>(queue);
            tasks.sort(null);
            List<Pending> out = new ArrayList<>();
            for (Task<?> t : tasks) {
                out.add(new Pending(Duration.ofNanos(t.due - now), t.period > 0));
            }
            return out;
        }
    }

    /** How many one-shot tasks (not periodic ones) were ever scheduled or executed here. */
    public long oneShotsScheduled() {
        return oneShotsScheduled.get();
    }

    private <V> Task<V> add(Callable<V> body, long delayNanos, long periodNanos) {
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException("manual scheduler shut down");
            }
            Task<V> task = new Task<>(body, now + Math.max(0, delayNanos), periodNanos, sequence++);
            queue.add(task);
            if (periodNanos == 0) {
                oneShotsScheduled.incrementAndGet();
            }
            return task;
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(() -> {
            command.run();
            return null;
        }, unit.toNanos(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(callable, unit.toNanos(delay), 0);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return periodic(command, initialDelay, period, unit);
    }

    /** On a virtual clock tasks take no time, so a fixed delay is a fixed rate. */
    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return periodic(command, initialDelay, delay, unit);
    }

    private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        return add(() -> {
            command.run();
            return null;
        }, unit.toNanos(initialDelay), unit.toNanos(period));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            queue.removeIf(t -> t.period > 0);
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> left = new ArrayList<>();
        synchronized (lock) {
            shutdown = true;
            for (Task<?> t : queue) {
                left.add(t::runNow);
            }
            queue.clear();
        }
        return left;
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        synchronized (lock) {
            return shutdown && queue.isEmpty();
        }
    }

    /** Runs what is due now, then reports whether nothing is left (later one-shot tasks stay queued). */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        runDue();
        return isTerminated();
    }

    private final class Task<V> implements ScheduledFuture<V>, Comparable<Delayed> {
        private final Callable<V> body;
        private final long period;
        private final long sequence;
        private final CompletableFuture<V> result = new CompletableFuture<>();
        private long due; // guarded by the scheduler's lock

        Task(Callable<V> body, long due, long period, long sequence) {
            this.body = body;
            this.due = due;
            this.period = period;
            this.sequence = sequence;
        }

        void runNow() {
            if (result.isDone()) {
                return; // cancelled
            }
            try {
                V value = body.call();
                if (period == 0) {
                    result.complete(value);
                    return;
                }
            } catch (Exception | Error e) {
                result.completeExceptionally(e); // as a real executor does, a failure ends a periodic task
                return;
            }
            synchronized (lock) {
                if (!shutdown && !result.isDone()) {
                    due += period;
                    queue.add(this);
                }
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (lock) {
                return unit.convert(due - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed other) {
            if (other instanceof Task<?> t) {
                int byDue = Long.compare(due, t.due);
                return byDue != 0 ? byDue : Long.compare(sequence, t.sequence);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = result.cancel(false);
            synchronized (lock) {
                queue.remove(this);
            }
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return result.isCancelled();
        }

        @Override
        public boolean isDone() {
            return result.isDone();
        }

        /** Does not wait: on a virtual clock only {@link ManualScheduler#advance} can make a task run. */
        @Override
        public V get() throws InterruptedException, ExecutionException {
            if (!result.isDone()) {
                throw new IllegalStateException("the task has not run: advance the manual scheduler first");
            }
            return result.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return get();
        }
    }
}
