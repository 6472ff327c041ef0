package dev.steno.engine.whisper.nn;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A {@link ParallelLoop.Team} of the opening thread and helper tasks that stay on a pool's workers, spinning, until
 * {@link #close()}. A decoder step is ~60 kernel calls of 10-500 us; handing each to parked pool workers costs tens of
 * microseconds of wake-up per call, while a spinning helper picks a call up within a microsecond.
 *
 * <p>One control word holds the call's epoch, task count and next unclaimed index, so that a helper can only claim a
 * task of the call it read, and no per-call objects are needed. The opening thread always claims tasks too: when the
 * pool is busy and a helper has not started yet, the calls simply run on the opening thread.
 */
final class SpinTeam implements ParallelLoop.Team {
    private static final int INDEX_BITS = 20;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private static final int MAX_TASKS = (int) INDEX_MASK;
    /** Busy-wait turns before a waiting thread starts yielding (a few microseconds). */
    private static final int SPIN_LIMIT = 2000;

    /** {@code epoch << 40 | tasks << 20 | next}. */
    private final AtomicLong ctl = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final int helpers;
    private volatile boolean closed;
    private volatile IntConsumer body;
    private volatile Throwable failure;
    private long epoch;

    SpinTeam(ForkJoinPool pool, int helpers) {
        this.helpers = Math.max(0, helpers);
        for (int i = 0; i < this.helpers; i++) {
            pool.execute(this::help);
        }
    }

    @Override
    public int parallelism() {
        return helpers + 1;
    }

    @Override
    public void forEach(int tasks, IntConsumer body) {
        if (closed) {
            throw new IllegalStateException("team closed");
        }
        if (tasks <= 1 || helpers == 0 || tasks > MAX_TASKS) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        this.body = body;
        failure = null;
        done.set(0);
        epoch++;
        ctl.set((epoch & 0xFFFFFF) << (2 * INDEX_BITS) | (long) tasks << INDEX_BITS);
        while (claim()) {
            // the opening thread works too
        }
        for (int spins = 0; done.get() < tasks; spins++) {
            backOff(spins);
        }
        this.body = null;
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    /** Claims and runs one task of the current call; false when none is left. */
    private boolean claim() {
        long c = ctl.get();
        int tasks = (int) ((c >>> INDEX_BITS) & INDEX_MASK);
        int i = (int) (c & INDEX_MASK);
        if (i >= tasks) {
            return false;
        }
        if (!ctl.compareAndSet(c, c + 1)) {
            return true;
        }
        // The call cannot end (nor the next one publish its body) before this task is counted done.
        IntConsumer b = body;
        try {
            b.accept(i);
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
        } finally {
            done.incrementAndGet();
        }
        return true;
    }

    private void help() {
        running.incrementAndGet();
        try {
            int idle = 0;
            while (!closed) {
                if (claim()) {
                    idle = 0;
                } else {
                    backOff(idle++);
                }
            }
        } finally {
            running.decrementAndGet();
        }
    }

    /**
     * Spins for a few microseconds, then yields the core at each turn: on a machine with more runnable threads than
     * cores a waiting thread must not keep the core from the thread it waits for.
     */
    private static void backOff(int spins) {
        if (spins < SPIN_LIMIT) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int spins = 0; running.get() > 0; spins++) {
            backOff(spins);
        }
    }
}
