package dev.steno.engine.whisper.nn;

import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.IntConsumer;

/**
 * Runs the independent tasks of one kernel call on the engine's shared workers. Kernels never create threads or
 * pools of their own: every model and state shares the loop the engine passes in.
 */
public interface ParallelLoop {
    /** How many tasks may run at once (the engine's worker count). */
    int parallelism();

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, tasks)}, the calling thread taking part, and
     * returns when all are done. Tasks must be independent; an exception of one is rethrown here.
     */
    void forEach(int tasks, IntConsumer body);

    /** Runs {@code body(from, to)} over {@code [0, n)} in chunks of about {@code grain}, in parallel. */
    default void forRange(int n, int grain, RangeBody body) {
        int tasks = Math.max(1, Math.min(parallelism() * 4, (n + grain - 1) / grain));
        if (tasks == 1) {
            body.run(0, n);
            return;
        }
        int chunk = (n + tasks - 1) / tasks;
        forEach(tasks, t -> body.run(t * chunk, Math.min(n, (t + 1) * chunk)));
    }

    /** A range task of {@link #forRange}. */
    @FunctionalInterface
    interface RangeBody {
        /** Processes {@code [from, to)}. */
        void run(int from, int to);
    }

    /**
     * Opens a loop for a burst of many small calls (a decoder step runs ~60 kernels of 10-500 us each): the default
     * just runs them on this loop; {@link #of(ForkJoinPool)} keeps helper tasks spinning on the pool between the calls
     * so that a call costs about a microsecond of hand-off instead of a wake-up of parked workers. Close it (from the
     * opening thread) when the burst ends; the helpers then leave the pool. While a team is open its helpers hold
     * pool workers, so the opener must run its parallel work through the team, never through this loop (which would
     * wait for workers the team holds).
     */
    default Team team() {
        ParallelLoop self = this;
        return new Team() {
            @Override
            public int parallelism() {
                return self.parallelism();
            }

            @Override
            public void forEach(int tasks, IntConsumer body) {
                self.forEach(tasks, body);
            }

            @Override
            public void close() {
            }
        };
    }

    /** A {@link ParallelLoop} for a burst of calls from one thread, released by {@link #close()}. */
    interface Team extends ParallelLoop, AutoCloseable {
        /** Releases the helpers; the team must not be used afterwards. */
        @Override
        void close();
    }

    /** Runs every task on the calling thread. */
    static ParallelLoop serial() {
        return new ParallelLoop() {
            @Override
            public int parallelism() {
                return 1;
            }

            @Override
            public void forEach(int tasks, IntConsumer body) {
                for (int i = 0; i < tasks; i++) {
                    body.accept(i);
                }
            }
        };
    }

    /**
     * Runs tasks on {@code pool}'s workers and on the calling thread: a caller from outside the pool adds itself to
     * the pool's parallelism (the common pool of a 2-core machine has one worker, so both cores work), a caller that
     * is one of its workers counts as one of them. Workers take task indices from a shared counter, so uneven tasks
     * balance. The caller never waits for a helper the pool has not started: it runs the unclaimed tasks itself.
     */
    static ParallelLoop of(ForkJoinPool pool) {
        return of(pool, Integer.MAX_VALUE);
    }

    /**
     * As {@link #of(ForkJoinPool)}, each call on at most {@code maxThreads} threads (the caller included): when
     * several threads call kernels at once (one per inference worker), each takes its share of the pool instead of
     * every call asking for all of it.
     *
     * @throws IllegalArgumentException if {@code maxThreads} is below 1
     */
    static ParallelLoop of(ForkJoinPool pool, int maxThreads) {
        Objects.requireNonNull(pool, "pool");
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be >= 1, was " + maxThreads);
        }
        return new ParallelLoop() {
            @Override
            public int parallelism() {
                return Math.min(maxThreads, threads(pool));
            }

            @Override
            public Team team() {
                return new SpinTeam(pool, parallelism() - 1);
            }

            @Override
            public void forEach(int tasks, IntConsumer body) {
                int workers = Math.min(tasks, parallelism());
                if (workers <= 1) {
                    for (int i = 0; i < tasks; i++) {
                        body.accept(i);
                    }
                    return;
                }
                // Helpers that the pool starts late (busy workers, or none at all: a common pool of parallelism 0
                // on one CPU) find every task claimed and leave; nothing waits for a task the pool never ran.
                try (SpinTeam team = new SpinTeam(pool, workers - 1)) {
                    team.forEach(tasks, body);
                }
            }
        };
    }

    /** The pool's parallelism, plus the calling thread when it is not one of the pool's workers. */
    private static int threads(ForkJoinPool pool) {
        boolean inside = Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
        return pool.getParallelism() + (inside ? 0 : 1);
    }
}
