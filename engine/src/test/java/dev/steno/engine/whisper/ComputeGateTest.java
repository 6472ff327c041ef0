package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link ComputeGate}: slots, preparations before steps, and rounds that late streams wait for. */
class ComputeGateTest {
    @Test
    void aWaitingPreparationGoesBeforeAnEarlierStep() throws Exception {
        ComputeGate gate = new ComputeGate(1);
        List<String> order = new CopyOnWriteArrayList<>();
        gate.acquire(ComputeGate.Kind.PREPARE);
        Thread step = start(() -> run(gate, ComputeGate.Kind.STEP, order, "step"));
        awaitWaiting(gate, 1);
        Thread prepare = start(() -> run(gate, ComputeGate.Kind.PREPARE, order, "prepare"));
        awaitWaiting(gate, 2);
        gate.release();
        step.join(60_000);
        prepare.join(60_000);
        assertEquals(List.of("prepare", "step"), order);
    }

    @Test
    void slotsBoundTheCallsAtOnce() throws Exception {
        ComputeGate gate = new ComputeGate(2);
        gate.acquire(ComputeGate.Kind.STEP);
        gate.acquire(ComputeGate.Kind.PREPARE);
        AtomicBoolean third = new AtomicBoolean();
        Thread t = start(() -> {
            gate.acquire(ComputeGate.Kind.STEP);
            third.set(true);
            gate.release();
        });
        awaitWaiting(gate, 1);
        assertFalse(third.get(), "a third call waits while both slots are busy");
        gate.release();
        t.join(60_000);
        assertEquals(true, third.get());
        gate.release();
        assertThrows(IllegalStateException.class, gate::release);
    }

    @Test
    void aStreamWaitsForADecodingRoundToEndBeforeItJoins() throws Exception {
        ComputeGate gate = new ComputeGate(1);
        CountDownLatch memberDecoded = new CountDownLatch(1);
        CountDownLatch memberMayLeave = new CountDownLatch(1);
        AtomicBoolean memberLeft = new AtomicBoolean();
        AtomicBoolean joinedBeforeLeave = new AtomicBoolean();
        Thread member = start(() -> {
            gate.join();
            gate.acquire(ComputeGate.Kind.STEP);
            gate.release();
            memberDecoded.countDown();
            await(memberMayLeave);
            memberLeft.set(true);
            gate.leave();
        });
        assertEquals(true, memberDecoded.await(60, TimeUnit.SECONDS));
        CountDownLatch lateJoined = new CountDownLatch(1);
        Thread late = start(() -> {
            gate.join();
            joinedBeforeLeave.set(!memberLeft.get());
            lateJoined.countDown();
            gate.leave();
        });
        memberMayLeave.countDown();
        assertEquals(true, lateJoined.await(60, TimeUnit.SECONDS));
        member.join(60_000);
        late.join(60_000);
        assertFalse(joinedBeforeLeave.get(), "the late stream joined only after the decoding member left");
    }

    @Test
    void streamsJoinFreelyUntilTheRoundDecodes() throws Exception {
        ComputeGate gate = new ComputeGate(1);
        gate.join();
        CountDownLatch joined = new CountDownLatch(1);
        Thread other = start(() -> {
            gate.join();
            joined.countDown();
            gate.leave();
        });
        assertEquals(true, joined.await(60, TimeUnit.SECONDS), "no step has run: the round is open");
        other.join(60_000);
        gate.leave();
    }

    private static void run(ComputeGate gate, ComputeGate.Kind kind, List<String> order, String name) {
        gate.acquire(kind);
        order.add(name);
        gate.release();
    }

    private static void awaitWaiting(ComputeGate gate, int calls) {
        while (gate.waitingCalls() < calls) {
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
