package dev.steno.engine.whisper.nn;

import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
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
     * Runs tasks on {@code pool} with at most its parallelism at once; workers take task indices from a shared
     * counter, so uneven tasks balance.
     */
    static ParallelLoop of(ForkJoinPool pool) {
        Objects.requireNonNull(pool, "pool");
        return new ParallelLoop() {
            @Override
            public int parallelism() {
                return pool.getParallelism();
            }

            @Override
            public void forEach(int tasks, IntConsumer body) {
                int workers = Math.min(tasks, pool.getParallelism());
                if (workers <= 1) {
                    for (int i = 0; i < tasks; i++) {
                        body.accept(i);
                    }
                    return;
                }
                AtomicInteger next = new AtomicInteger();
                Runnable worker = () -> {
                    for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                        body.accept(i);
                    }
                };
                ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[workers - 1];
                for (int w = 0; w < helpers.length; w++) {
                    helpers[w] = pool.submit(worker);
                }
                worker.run();
                for (ForkJoinTask<?> h : helpers) {
                    h.join();
                }
            }
        };
    }
}
