package dev.steno.engine.whisper;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Joins the decoder steps that streams on different threads ask for at the same moment into one
 * {@link DecoderBatch}: one pass over the weights for all of them instead of one each. A decoder step is bound by
 * memory bandwidth (it reads every weight for one token), so a batch of B rows costs far less than B steps.
 *
 * <p><b>How a batch forms.</b> A thread submits its rows (one state and token, or a search's live beams) and waits.
 * When fewer than {@link ComputeGate#slots()} batches are running, a waiting thread becomes the leader of the next
 * batch: once it has a {@link ComputeGate.Kind#STEP} slot it takes up to {@code maxRows} waiting rows, oldest first
 * (rows that came while it waited for the slot included), runs them and wakes their threads. Rows that arrive while a batch runs wait for at most that batch, then go in the next
 * one: nobody waits longer than one step for a batch to form, and nothing waits for a batch to fill.
 *
 * <p><b>Results.</b> Each row's state ends as its own {@link DecoderState#step} would leave it, bit for bit
 * ({@link DecoderBatch}): its logits in {@link DecoderState#logits()}, its recorded cross-attention, its position.
 * A row that cannot step (full context, token outside the vocabulary) fails alone: the batch is then re-run row by
 * row and only that row's thread gets the exception.
 *
 * <p>Thread-safe. A state may be in one submission at a time (the thread that owns it waits in it).
 */
public final class DecoderBatcher {
    private final WhisperDecoder decoder;
    private final ComputeGate gate;
    private final int maxRows;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<DecoderState> waiting = new ArrayDeque<>();
    private final ArrayDeque<Leader> idleLeaders = new ArrayDeque<>();
    private int running;
    private final LongAdder batches = new LongAdder();
    private final LongAdder rows = new LongAdder();

    /**
     * @param decoder the decoder whose states are stepped
     * @param gate    the compute slots shared with the streams' other heavy calls; as many batches run at once
     * @param maxRows most rows in one batch, at least 1
     */
    public DecoderBatcher(WhisperDecoder decoder, ComputeGate gate, int maxRows) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.gate = Objects.requireNonNull(gate, "gate");
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, was " + maxRows);
        }
        this.maxRows = maxRows;
    }

    /**
     * Appends {@code token} to {@code state} in the next batch; returns its logits ({@link DecoderState#logits()}).
     *
     * @throws IllegalArgumentException if the token is outside the vocabulary (the state is unchanged)
     * @throws IllegalStateException    if the state has no audio or a full context (the state is unchanged)
     */
    public float[] step(DecoderState state, int token) {
        lock.lock();
        try {
            enqueue(state, token);
            awaitRows(state);
            return finish(state);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends {@code tokens[i]} to {@code states[i]} for i below {@code n}, all in the next batch when it has room
     * (the beams of a search); afterwards each state's {@link DecoderState#logits()} holds its logits. The first
     * row that failed throws, after every row has run.
     */
    public void stepAll(DecoderState[] states, int[] tokens, int n) {
        if (n < 0 || n > states.length || n > tokens.length) {
            throw new IllegalArgumentException("batch of " + n + " rows");
        }
        lock.lock();
        try {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    if (states[j] == states[i]) {
                        throw new IllegalArgumentException("state " + i + " appears twice");
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                enqueue(states[i], tokens[i]);
            }
            for (int i = 0; i < n; i++) {
                awaitRows(states[i]);
            }
            RuntimeException first = null;
            for (int i = 0; i < n; i++) {
                try {
                    finish(states[i]);
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Rows waiting for a batch now. */
    public int waitingRows() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Batches run so far. */
    public long batches() {
        return batches.sum();
    }

    /** Rows stepped so far (rows / batches is the mean batch size). */
    public long rows() {
        return rows.sum();
    }

    // ---- all below with the lock held

    private void enqueue(DecoderState state, int token) {
        if (state.batchPending) {
            throw new IllegalStateException("state already waits for a batch");
        }
        state.batchPending = true;
        state.batchToken = token;
        state.batchError = null;
        waiting.add(state);
    }

    /** Waits until {@code state} has run, leading batches while it may. */
    private void awaitRows(DecoderState state) {
        while (state.batchPending) {
            if (running < gate.slots() && !waiting.isEmpty()) {
                lead();
            } else {
                changed.awaitUninterruptibly();
            }
        }
    }

    private float[] finish(DecoderState state) {
        RuntimeException e = state.batchError;
        if (e != null) {
            state.batchError = null;
            throw e;
        }
        return state.logits();
    }

    private void lead() {
        Leader leader = idleLeaders.isEmpty() ? new Leader(decoder.newBatch(), maxRows) : idleLeaders.poll();
        running++;
        int n = 0;
        lock.unlock();
        try {
            // the rows are taken once the slot is ours: rows that came while we waited for it go in this batch too
            gate.acquire(ComputeGate.Kind.STEP);
            try {
                lock.lock();
                try {
                    while (n < maxRows && !waiting.isEmpty()) {
                        DecoderState s = waiting.poll();
                        leader.states[n] = s;
                        leader.tokens[n] = s.batchToken;
                        n++;
                    }
                } finally {
                    lock.unlock();
                }
                leader.run(n);
            } finally {
                gate.release();
            }
        } finally {
            lock.lock();
            running--;
            for (int i = 0; i < n; i++) {
                leader.states[i].batchPending = false;
                leader.states[i] = null;
            }
            idleLeaders.add(leader);
            if (n > 0) {
                batches.increment();
                rows.add(n);
            }
            changed.signalAll();
        }
    }

    /** A batch's buffers, reused by whichever thread leads next. */
    private static final class Leader {
        final DecoderBatch batch;
        final DecoderState[] states;
        final int[] tokens;

        Leader(DecoderBatch batch, int maxRows) {
            this.batch = batch;
            this.states = new DecoderState[maxRows];
            this.tokens = new int[maxRows];
        }

        void run(int n) {
            if (n == 1) {
                stepAlone(0);
                return;
            }
            try {
                batch.step(states, tokens, n);
            } catch (RuntimeException e) {
                // a bad row stops the batch before any state changed: run each row alone to fail only that one
                for (int i = 0; i < n; i++) {
                    stepAlone(i);
                }
            }
        }

        private void stepAlone(int i) {
            try {
                states[i].step(tokens[i]);
            } catch (RuntimeException e) {
                states[i].batchError = e;
            }
        }
    }
}
