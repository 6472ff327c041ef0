package dev.steno.engine.whisper.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The spinning team and the pooled loop: every task runs exactly once per call, failures reach the caller, a busy
 * pool is no hang.
 */
class SpinTeamTest {
    static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    @Test
    void everyTaskRunsOncePerCallOverManyCalls() {
        try (ParallelLoop.Team team = ParallelLoop.of(POOL).team()) {
            assertEquals(3, team.parallelism());
            for (int call = 0; call < 2000; call++) {
                int tasks = 1 + call % 37;
                AtomicIntegerArray hits = new AtomicIntegerArray(tasks);
                team.forEach(tasks, hits::incrementAndGet);
                for (int i = 0; i < tasks; i++) {
                    assertEquals(1, hits.get(i), "call " + call + " task " + i);
                }
            }
        }
    }

    @Test
    void pooledLoopRunsEveryTaskOnceAndRethrows() {
        ParallelLoop loop = ParallelLoop.of(POOL);
        for (int call = 0; call < 200; call++) {
            int tasks = 1 + call % 13;
            AtomicIntegerArray hits = new AtomicIntegerArray(tasks);
            loop.forEach(tasks, hits::incrementAndGet);
            for (int i = 0; i < tasks; i++) {
                assertEquals(1, hits.get(i));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> loop.forEach(4, i -> {
            throw new IllegalArgumentException("task " + i);
        }));
    }

    @Test
    void aFailingTaskIsRethrownAndTheTeamGoesOn() {
        try (ParallelLoop.Team team = ParallelLoop.of(POOL).team()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.forEach(8, i -> {
                if (i == 5) {
                    throw new IllegalStateException("task 5");
                }
            }));
            assertEquals("task 5", e.getMessage());
            AtomicIntegerArray hits = new AtomicIntegerArray(8);
            team.forEach(8, hits::incrementAndGet);
            for (int i = 0; i < 8; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void runsOnTheCallerWhenThePoolIsBusy() throws Exception {
        ForkJoinPool one = new ForkJoinPool(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try {
            one.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            started.await();
            try (ParallelLoop.Team team = ParallelLoop.of(one).team()) {
                AtomicIntegerArray hits = new AtomicIntegerArray(16);
                team.forEach(16, hits::incrementAndGet);
                for (int i = 0; i < 16; i++) {
                    assertEquals(1, hits.get(i));
                }
            }
            // the plain loop too: it must not wait for a helper the pool never starts (a common pool of
            // parallelism 0 on one CPU never starts any)
            AtomicIntegerArray hits = new AtomicIntegerArray(16);
            ParallelLoop.of(one).forEach(16, hits::incrementAndGet);
            for (int i = 0; i < 16; i++) {
                assertEquals(1, hits.get(i));
            }
        } finally {
            release.countDown();
            one.shutdown();
        }
    }
}
