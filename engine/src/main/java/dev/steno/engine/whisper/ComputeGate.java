package dev.steno.engine.whisper;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The compute slots that a model's streams share, and the rounds that make their decoder steps meet in batches.
 *
 * <p><b>Slots.</b> Each slot runs one heavy call at a time (an encoder pass, the cross-attention keys of a window, a
 * prompt prefill, a batch of decoder steps) on its kernel threads, so that however many streams are in flight the
 * cores are never oversubscribed: the kernels' helper threads spin while they wait for work, and two teams on one
 * core would take turns spinning.
 *
 * <p><b>Rounds.</b> A stream's processing step {@linkplain #join joins} the current round and {@linkplain #leave
 * leaves} it when done. Within a round every {@link Kind#PREPARE} call goes before any {@link Kind#STEP} call, so the
 * members encode one after another and then decode in lockstep, their single-token steps batched into one pass over
 * the weights ({@link DecoderBatcher}). Once the first step of a round has run, streams that become ready wait for
 * the round to end before they join: otherwise every new encoder pass (tens to hundreds of milliseconds) would cut
 * into the decoding of the members, one token each time, and steps would seldom meet. The wait is bounded by the
 * members' decoding, and each stream joins once per processing step, so no stream starves.
 *
 * <p>Calls from threads that have not joined (a test, a one-off decode) take a slot like any other and are never
 * held back by rounds.
 */
public final class ComputeGate {
    /** What a heavy call does, which decides its turn within a round. */
    public enum Kind {
        /** Work done once per processing step before decoding: mel and encoder, cross-attention keys, prompt. */
        PREPARE,
        /** A batch of decoder steps. */
        STEP
    }

    private final int slots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private int busy;
    private int preparesWaiting;
    private long nextPrepare;
    private long servingPrepare;
    private long nextStep;
    private long servingStep;
    private final Set<Thread> members = new HashSet<>();
    /** True once a step of the current round has run: new streams wait for the round to end. */
    private boolean decoding;

    /**
     * @param slots calls that may run at once, at least 1 (the inference workers of the machine's plan)
     */
    public ComputeGate(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, was " + slots);
        }
        this.slots = slots;
    }

    /** Calls that may run at once. */
    public int slots() {
        return slots;
    }

    /** Calls waiting for a slot now. */
    public int waitingCalls() {
        lock.lock();
        try {
            return (int) (nextPrepare - servingPrepare + nextStep - servingStep);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The calling thread's stream starts a processing step: waits until the current round is not decoding yet, then
     * joins it. A thread that is a member already stays one.
     */
    public void join() {
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            if (members.contains(me)) {
                return;
            }
            while (decoding) {
                changed.awaitUninterruptibly();
            }
            members.add(me);
        } finally {
            lock.unlock();
        }
    }

    /** The calling thread's processing step is done (a thread that has not joined changes nothing). */
    public void leave() {
        lock.lock();
        try {
            if (members.remove(Thread.currentThread()) && members.isEmpty()) {
                decoding = false;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a slot and the call's turn (uninterruptibly: a step is never abandoned halfway); then {@link #release}. */
    public void acquire(Kind kind) {
        lock.lock();
        try {
            if (kind == Kind.PREPARE) {
                long ticket = nextPrepare++;
                preparesWaiting++;
                while (busy >= slots || ticket != servingPrepare) {
                    changed.awaitUninterruptibly();
                }
                preparesWaiting--;
                servingPrepare++;
            } else {
                long ticket = nextStep++;
                while (busy >= slots || preparesWaiting > 0 || ticket != servingStep) {
                    changed.awaitUninterruptibly();
                }
                servingStep++;
                if (!members.isEmpty()) {
                    decoding = true;
                }
            }
            busy++;
            // the next ticket may go too when more than one slot is free
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Gives a slot back. */
    public void release() {
        lock.lock();
        try {
            if (busy == 0) {
                throw new IllegalStateException("release without acquire");
            }
            busy--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
