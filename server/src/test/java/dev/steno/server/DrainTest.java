package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.session.SchedulerStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The node's lifecycle on its own: admission, winding members down, the deadline, and the load figure. */
class DrainTest {
    /** A member that counts what it is told; it releases its registration only when the test says so. */
    static final class Probe implements Drain.Member {
        final AtomicInteger drains = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        final boolean releasesOnDrain;
        Drain.Registration registration;

        Probe(boolean releasesOnDrain) {
            this.releasesOnDrain = releasesOnDrain;
        }

        @Override
        public void drain() {
            drains.incrementAndGet();
            if (releasesOnDrain) {
                registration.close();
            }
        }

        @Override
        public void stop() {
            stops.incrementAndGet();
        }

        Probe admittedTo(Drain drain) {
            registration = drain.admit(this).orElseThrow();
            return this;
        }
    }

    @Test
    void aDrainingNodeAdmitsNothingNewAndTellsEveryLiveMemberOnce() throws Exception {
        Drain drain = new Drain(Duration.ofMinutes(5));
        Probe a = new Probe(true).admittedTo(drain);
        Probe b = new Probe(true).admittedTo(drain);
        Probe gone = new Probe(true).admittedTo(drain);
        gone.registration.close();
        gone.registration.close(); // twice is harmless
        assertEquals(2, drain.members());
        assertFalse(drain.draining());
        assertFalse(drain.finished().isDone(), "no outcome while the node serves");

        CompletableFuture<Drain.Outcome> outcome = drain.start();
        assertSame(outcome, drain.start(), "one drain per node: asking again gets the same outcome");
        assertTrue(drain.draining());
        assertEquals(new Drain.Outcome(2, 0), outcome.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(1, 1, 0), List.of(a.drains.get(), b.drains.get(), gone.drains.get()));
        assertEquals(0, a.stops.get() + b.stops.get(), "members that finished are not stopped");
        Optional<Drain.Registration> late = drain.admit(new Probe(true));
        assertTrue(late.isEmpty(), "no new work once draining");
        assertEquals(0, drain.members());
    }

    @Test
    void membersStillThereAtTheDeadlineAreStoppedAndCounted() throws Exception {
        Drain drain = new Drain(Duration.ofMillis(50));
        Probe quick = new Probe(true).admittedTo(drain);
        Probe stuck = new Probe(false).admittedTo(drain);
        Drain.Outcome o = drain.start().get(30, TimeUnit.SECONDS);
        assertEquals(new Drain.Outcome(1, 1), o);
        assertEquals(1, stuck.drains.get(), "told to drain first");
        assertEquals(1, stuck.stops.get(), "then stopped at the deadline");
        assertEquals(0, quick.stops.get());
    }

    @Test
    void aMemberThatFailsToStartDrainingIsStoppedAndTheOthersStillDrain() throws Exception {
        Drain drain = new Drain(Duration.ofMillis(50));
        List<String> seen = new ArrayList<>();
        drain.admit(Drain.Member.of(() -> {
            throw new IllegalStateException("broken");
        }, () -> seen.add("stopped the broken one")));
        Probe fine = new Probe(true).admittedTo(drain);
        Drain.Outcome o = drain.start().get(30, TimeUnit.SECONDS);
        assertEquals(1, fine.drains.get());
        assertTrue(seen.contains("stopped the broken one"), seen.toString());
        assertEquals(new Drain.Outcome(1, 1), o);
    }

    @Test
    void aDrainOfAnIdleNodeEndsAtOnce() throws Exception {
        assertEquals(new Drain.Outcome(0, 0), new Drain(Duration.ofMinutes(5)).start().get(30, TimeUnit.SECONDS));
    }

    @Test
    void theTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Drain(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Drain(Duration.ofSeconds(-1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.defaults().withDrainTimeout(Duration.ZERO));
        assertTrue(e.getMessage().contains("--drain-timeout"), e.getMessage());
        assertEquals(Duration.ofSeconds(25), ServerConfig.defaults().drainTimeout(), "the default");
    }

    private static SchedulerStats stats(int workers, int sessions, int queued, int busy) {
        return new SchedulerStats(workers, sessions, queued, busy, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void loadIsTheFullerOfSessionSlotsAndInferenceWorkers() {
        assertEquals(0, ServerMetrics.load(stats(2, 0, 0, 0), 16), 1e-12, "idle");
        assertEquals(0.5, ServerMetrics.load(stats(2, 8, 0, 0), 16), 1e-12, "half the slots, workers idle");
        assertEquals(1.0, ServerMetrics.load(stats(2, 16, 0, 1), 16), 1e-12, "every slot taken");
        assertEquals(0.5, ServerMetrics.load(stats(2, 2, 0, 1), 16), 1e-12, "one of two workers busy");
        assertEquals(2.5, ServerMetrics.load(stats(2, 6, 3, 2), 16), 1e-12,
                "both workers busy and three sessions waiting: over capacity");
        assertEquals(1.0, ServerMetrics.load(stats(1, 5, 0, 1), Integer.MAX_VALUE), 1e-12,
                "without a session limit only the workers count");
    }
}
