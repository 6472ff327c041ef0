package dev.steno.obs.sink;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs an action at most once per interval, however often it is requested: the first request runs at once, later
 * ones within the interval collapse into one run at its end. The action reads the newest state itself, so nothing
 * newer is ever lost, only intermediate states are skipped. Thread-safe; the action runs on the timer's thread.
 */
final class Throttle {
    private final long intervalNanos;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final Runnable action;
    // guarded by this
    private long lastRun = Long.MIN_VALUE;
    private boolean scheduled;

    Throttle(long intervalNanos, ScheduledExecutorService timer, LongSupplier nanoTime, Runnable action) {
        this.intervalNanos = intervalNanos;
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.action = action;
    }

    void request() {
        long delay;
        synchronized (this) {
            if (scheduled) {
                return;
            }
            scheduled = true;
            long now = nanoTime.getAsLong();
            delay = lastRun == Long.MIN_VALUE ? 0 : Math.max(0, lastRun + intervalNanos - now);
        }
        timer.schedule(this::run, delay, TimeUnit.NANOSECONDS);
    }

    private void run() {
        synchronized (this) {
            scheduled = false;
            lastRun = nanoTime.getAsLong();
        }
        action.run();
    }
}
