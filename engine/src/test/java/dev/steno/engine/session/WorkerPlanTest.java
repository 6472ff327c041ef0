package dev.steno.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WorkerPlanTest {
    @Test
    void twoThreadsPerStepAndAWorkerPerTwoCores() {
        assertEquals(new WorkerPlan(1, 1), WorkerPlan.forCores(1, 0, 0));
        assertEquals(new WorkerPlan(1, 2), WorkerPlan.forCores(2, 0, 0), "two cores: one worker on both, as before");
        assertEquals(new WorkerPlan(1, 3), WorkerPlan.forCores(3, 0, 0));
        assertEquals(new WorkerPlan(2, 2), WorkerPlan.forCores(4, 0, 0));
        assertEquals(new WorkerPlan(8, 2), WorkerPlan.forCores(16, 0, 0), "16 cores: 8 sessions encode at once");
        assertEquals(16, WorkerPlan.forCores(16, 0, 0).totalThreads());
    }

    @Test
    void flagsOverrideTheRule() {
        assertEquals(new WorkerPlan(4, 4), WorkerPlan.forCores(16, 0, 4), "threads given: workers fill the cores");
        assertEquals(new WorkerPlan(1, 16), WorkerPlan.forCores(16, 1, 0), "workers given: they share the cores");
        assertEquals(new WorkerPlan(3, 5), WorkerPlan.forCores(2, 3, 5), "both given: as they are");
        assertEquals(new WorkerPlan(1, 8), WorkerPlan.forCores(2, 0, 8));
    }

    @Test
    void refusesEmptyPlans() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerPlan(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new WorkerPlan(2, 0));
    }
}
