package dev.steno.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.RecognitionException;
import dev.steno.engine.stream.StreamBuilder;
import dev.steno.engine.stream.TranscriptionStream;
import dev.steno.engine.testing.Await;
import dev.steno.engine.transcript.TranscriptUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class InferenceSchedulerTest {
    private static final int SR = 16_000;
    private static final long WAIT_S = 5;

    /** A session around {@code policy} whose updates land in {@code updates}. */
    private static TranscriptionStream session(FakeStepPolicy policy, List<TranscriptUpdate> updates) {
        return StreamBuilder.withPolicy(policy).listener(updates::add).clock(() -> 0).build();
    }

    private static TranscriptionStream session(FakeStepPolicy policy) {
        return session(policy, new CopyOnWriteArrayList<>());
    }

    private static float[] seconds(double s) {
        return new float[(int) Math.round(s * SR)];
    }

    private static void add(ScheduledSession s, double secs) {
        float[] a = seconds(secs);
        assertTrue(s.addAudio(a, 0, a.length));
    }

    private static FakeStepPolicy.StepRecord nextStep(FakeStepPolicy p) throws InterruptedException {
        FakeStepPolicy.StepRecord r = p.stepQueue.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(r, "no step within " + WAIT_S + " s");
        return r;
    }

    private static Throwable failureOf(ScheduledSession s) throws InterruptedException, TimeoutException {
        try {
            s.finished().get(WAIT_S, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    /** A hook whose first step announces itself and then waits for the test. */
    private static final class Gate implements FakeStepPolicy.StepHook {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final int gatedStep;

        Gate(int gatedStep) {
            this.gatedStep = gatedStep;
        }

        @Override
        public void beforeStep(int stepIndex, long newSamples) throws Exception {
            if (stepIndex == gatedStep) {
                entered.countDown();
                assertTrue(release.await(WAIT_S, TimeUnit.SECONDS), "gate never released");
            }
        }

        void awaitEntered() throws InterruptedException {
            assertTrue(entered.await(WAIT_S, TimeUnit.SECONDS), "gated step never started");
        }
    }

    @Test
    void audioArrivingDuringAStepIsCoalescedIntoOneFollowingStep() throws Exception {
        Gate gate = new Gate(1);
        FakeStepPolicy policy = new FakeStepPolicy(gate);
        try (InferenceScheduler scheduler = new InferenceScheduler(1)) {
            ScheduledSession s = scheduler.register(session(policy), 0.1);
            add(s, 0.1);
            gate.awaitEntered();
            SchedulerStats during = scheduler.stats();
            assertEquals(1, during.busyWorkers());
            assertEquals(1, during.sessions());
            for (int i = 0; i < 5; i++) {
                add(s, 0.1);
            }
            assertEquals(0.5, s.pendingSeconds(), 1e-9);
            assertEquals(0, scheduler.stats().readyQueueLength(), "a running session is not queued again");
            gate.release.countDown();

            assertEquals(1600, nextStep(policy).newSamples());
            assertEquals(8000, nextStep(policy).newSamples(), "the five chunks make one step");
            s.endOfStream();
            assertNull(failureOf(s));
            assertEquals(2, policy.steps.size(), "no step for the end: all audio was already stepped");
            assertEquals(1, policy.finishes.get());
            SchedulerStats after = scheduler.stats();
            assertEquals(3, after.steps());
            assertEquals(0.6, after.audioSecondsProcessed(), 1e-9);
            assertEquals(0, after.sessions());
        }
    }

    @Test
    void freeWorkerTakesTheSessionWithTheOldestPendingAudio() throws Exception {
        AtomicLong clock = new AtomicLong();
        Gate gate = new Gate(1);
        List<String> order = new CopyOnWriteArrayList<>();
        try (InferenceScheduler scheduler = new InferenceScheduler(1, 100, clock::get)) {
            ScheduledSession blocker = scheduler.register(session(new FakeStepPolicy(gate)), 0.1);
            List<ScheduledSession> sessions = new ArrayList<>();
            for (String name : List.of("x", "y", "z")) {
                sessions.add(scheduler.register(session(new FakeStepPolicy((i, n) -> order.add(name))), 0.1));
            }
            add(blocker, 0.1);
            gate.awaitEntered();
            // Audio arrives for z first, then x, then y; y then gets more, which must not move it forward.
            clock.set(1_000_000_000L);
            add(sessions.get(2), 0.1);
            clock.set(2_000_000_000L);
            add(sessions.get(0), 0.1);
            clock.set(3_000_000_000L);
            add(sessions.get(1), 0.1);
            add(sessions.get(0), 0.1);
            assertEquals(3, scheduler.stats().readyQueueLength());
            clock.set(4_000_000_000L);
            assertEquals(3.0, sessions.get(2).lagSeconds(), 1e-9);
            assertEquals(2.0, sessions.get(0).lagSeconds(), 1e-9);
            gate.release.countDown();
            for (ScheduledSession s : sessions) {
                s.endOfStream();
            }
            for (ScheduledSession s : sessions) {
                assertNull(failureOf(s));
                assertEquals(0, s.lagSeconds());
            }
            assertEquals(List.of("z", "x", "y"), order);
        }
    }

    /**
     * Six live streams on one worker that cannot keep up with a step per minimum chunk: every session keeps getting
     * turns, lags stay bounded and alike, and no audio is lost.
     *
     * <p>Time is virtual: each step advances the scheduler's clock by its cost, and the audio that arrives meanwhile
     * is fed in 10 ms rounds from inside the step, as network threads would feed it. The run is the same on any
     * machine.
     */
    @Test
    void overloadedWorkerServesEverySessionFairlyAndLosesNothing() throws Exception {
        int n = 6;
        long feedNanos = 2_500_000_000L;
        long roundNanos = 10_000_000L;
        AtomicLong clock = new AtomicLong();
        List<FakeStepPolicy> policies = new ArrayList<>();
        List<ScheduledSession> sessions = new ArrayList<>();
        double[] maxLag = new double[n];
        long[] fed = {0};
        CountDownLatch allRegistered = new CountDownLatch(1);
        CountDownLatch feedEnded = new CountDownLatch(1);
        float[] buf = new float[SR];
        // Runs on the one worker only, so plain fields are enough.
        Runnable feedRound = () -> {
            long target = Math.min(clock.get(), feedNanos) * SR / 1_000_000_000L;
            int chunk = (int) (target - fed[0]);
            for (ScheduledSession s : sessions) {
                if (chunk > 0) {
                    assertTrue(s.addAudio(buf, 0, chunk));
                }
            }
            fed[0] = target;
            for (int k = 0; k < n; k++) {
                maxLag[k] = Math.max(maxLag[k], sessions.get(k).lagSeconds());
            }
            if (clock.get() >= feedNanos) {
                feedEnded.countDown();
            }
        };
        // 40 ms per step plus 20 ms per second of audio: 6 sessions stepping every 0.1 s would need 2.4 s of
        // compute per second; coalescing brings each session to a step every ~0.27 s.
        FakeStepPolicy.StepHook cost = (i, newSamples) -> {
            assertTrue(allRegistered.await(WAIT_S, TimeUnit.SECONDS));
            long end = clock.get() + 40_000_000L + 20_000_000L * newSamples / SR;
            while (clock.get() < end) {
                clock.set(Math.min(end, clock.get() + roundNanos));
                feedRound.run();
            }
        };
        try (InferenceScheduler scheduler = new InferenceScheduler(1, 100, clock::get)) {
            for (int k = 0; k < n; k++) {
                FakeStepPolicy p = new FakeStepPolicy(cost);
                policies.add(p);
                sessions.add(scheduler.register(session(p), 0.1));
            }
            clock.set(100_000_000L);
            feedRound.run(); // the first 0.1 s; the first step waits until every session has it
            allRegistered.countDown();
            assertTrue(feedEnded.await(WAIT_S, TimeUnit.SECONDS), "the feed ran to its end");
            // the worker steps what is left, then idles: only then does the stream end, as the original feeder did
            Await.until(Duration.ofSeconds(WAIT_S), () -> {
                SchedulerStats st = scheduler.stats();
                return st.busyWorkers() == 0 && st.readyQueueLength() == 0;
            }, () -> "the worker to step the last audio: " + scheduler.stats());
            sessions.forEach(ScheduledSession::endOfStream);
            for (ScheduledSession s : sessions) {
                assertNull(failureOf(s));
            }
            int minSteps = Integer.MAX_VALUE;
            int maxSteps = 0;
            for (int k = 0; k < n; k++) {
                FakeStepPolicy p = policies.get(k);
                assertEquals(fed[0], p.totalSamples(), "every fed sample reached session " + k);
                assertEquals(fed[0], p.samplesAtFinish, "finish came after the last audio");
                assertEquals(1, p.finishes.get());
                minSteps = Math.min(minSteps, p.steps.size());
                maxSteps = Math.max(maxSteps, p.steps.size());
                assertEquals(1, p.maxActive.get());
            }
            double worst = 0;
            double best = Double.MAX_VALUE;
            for (double lag : maxLag) {
                worst = Math.max(worst, lag);
                best = Math.min(best, lag);
            }
            SchedulerStats end = scheduler.stats();
            System.out.printf("fairness: 6 sessions x %.1f s on 1 worker: steps per session %d..%d, max lag %.3f..%.3f s,"
                            + " compute %.2f s for %.1f s audio (rtf %.2f)%n",
                    feedNanos / 1e9, minSteps, maxSteps, best, worst, end.computeSeconds(), end.audioSecondsProcessed(),
                    end.realTimeFactor());
            // a turn every ~0.27 s over 2.5 s of audio: 9 or 10 steps each, lags near one turn
            assertTrue(minSteps >= 8, "a session was starved: " + minSteps + " steps");
            assertTrue(maxSteps - minSteps <= 2, "turns were uneven: " + minSteps + ".." + maxSteps);
            assertTrue(worst < 0.5, "lag grew to " + worst + " s");
            assertTrue(worst / best < 1.5, "lags differ too much: " + best + ".." + worst);
            assertEquals(n * fed[0] / (double) SR, end.audioSecondsProcessed(), 1e-9);
            assertEquals(0, end.droppedAudioSeconds());
        }
    }

    @Test
    void endOfStreamStepsTheLastAudioThenFinishesOnce() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeStepPolicy policy = new FakeStepPolicy();
        List<TranscriptUpdate> updates = new CopyOnWriteArrayList<>();
        try (InferenceScheduler scheduler = new InferenceScheduler(1, 10, clock::get)) {
            ScheduledSession s = scheduler.register(session(policy, updates), 1.0);
            add(s, 0.25);
            clock.addAndGet(2_000_000_000L);
            assertEquals(2.0, s.lagSeconds(), 1e-9, "below the minimum chunk: waiting, and getting older");
            assertEquals(0.25, s.pendingSeconds(), 1e-9);
            s.endOfStream();
            s.endOfStream();
            assertNull(failureOf(s));
            assertTrue(s.isDone());
            assertEquals(1, policy.steps.size(), "the short tail still goes through the recogniser");
            assertEquals(4000, policy.steps.getFirst().newSamples());
            assertEquals(1, policy.finishes.get());
            assertEquals(4000, policy.samplesAtFinish);
            assertTrue(updates.getLast().final_());
            assertEquals(" s1 end", updates.getLast().lines().getFirst().text());
            assertEquals(1, updates.stream().filter(TranscriptUpdate::final_).count());
            assertFalse(s.addAudio(new float[10], 0, 10), "audio after the end is refused");
            assertEquals(1, scheduler.stats().rejectedAudioCalls());
            assertEquals(0, s.lagSeconds());
        }
    }

    @Test
    void cancelLetsTheRunningStepEndAndStartsNoOther() throws Exception {
        Gate gate = new Gate(1);
        FakeStepPolicy policy = new FakeStepPolicy(gate);
        try (InferenceScheduler scheduler = new InferenceScheduler(1)) {
            ScheduledSession s = scheduler.register(session(policy), 0.1);
            add(s, 0.1);
            gate.awaitEntered();
            add(s, 0.5);
            s.cancel();
            assertEquals(0, s.pendingSeconds(), "pending audio is dropped");
            assertFalse(s.isDone(), "the running step still owns the session");
            assertFalse(s.addAudio(new float[160], 0, 160));
            gate.release.countDown();
            assertInstanceOf(CancellationException.class, failureOf(s));
            assertEquals(1, policy.attempts.get());
            assertEquals(0, policy.finishes.get());

            // The worker is free again and serves others; the cancelled session stays out.
            FakeStepPolicy other = new FakeStepPolicy();
            ScheduledSession o = scheduler.register(session(other), 0.1);
            add(o, 0.1);
            o.endOfStream();
            assertNull(failureOf(o));
            assertEquals(1, policy.attempts.get());
            assertEquals(0, scheduler.stats().sessions());
        }
    }

    @Test
    void cancelBeforeAnyStepCompletesAtOnce() throws Exception {
        Gate gate = new Gate(1);
        try (InferenceScheduler scheduler = new InferenceScheduler(1)) {
            ScheduledSession blocker = scheduler.register(session(new FakeStepPolicy(gate)), 0.1);
            add(blocker, 0.1);
            gate.awaitEntered();
            FakeStepPolicy policy = new FakeStepPolicy();
            ScheduledSession queued = scheduler.register(session(policy), 0.1);
            add(queued, 0.2);
            assertEquals(1, scheduler.stats().readyQueueLength());
            queued.cancel();
            assertTrue(queued.isDone());
            assertEquals(0, scheduler.stats().readyQueueLength());
            gate.release.countDown();
            blocker.endOfStream();
            assertNull(failureOf(blocker));
            assertEquals(0, policy.attempts.get());
        }
    }

    @Test
    void pendingCapDropsTheOldestAudioAndReportsIt() throws Exception {
        Gate gate = new Gate(1);
        BlockingQueue<Double> overflows = new LinkedBlockingQueue<>();
        SessionListener listener = new SessionListener() {
            @Override
            public void onOverflow(double droppedSeconds) {
                overflows.add(droppedSeconds);
            }
        };
        FakeStepPolicy policy = new FakeStepPolicy();
        try (InferenceScheduler scheduler = new InferenceScheduler(1)) {
            // Keep the only worker busy so the session's audio piles up.
            ScheduledSession blocker = scheduler.register(session(new FakeStepPolicy(gate)), 0.1);
            add(blocker, 0.1);
            gate.awaitEntered();
            ScheduledSession s = scheduler.register(session(policy),
                    SessionOptions.of(0.1).withMaxPendingSeconds(1.0).withListener(listener));
            // Five chunks of 0.3 s whose samples are their position in the stream.
            int chunk = 4800;
            for (int c = 0; c < 5; c++) {
                float[] a = new float[chunk];
                for (int i = 0; i < chunk; i++) {
                    a[i] = c * chunk + i;
                }
                assertTrue(s.addAudio(a, 0, chunk));
            }
            assertEquals(List.of(0.2, 0.3), List.copyOf(overflows));
            assertEquals(1.0, s.pendingSeconds(), 1e-9);
            SchedulerStats stats = scheduler.stats();
            assertEquals(2, stats.overflows());
            assertEquals(0.5, stats.droppedAudioSeconds(), 1e-9);

            gate.release.countDown();
            s.endOfStream();
            assertNull(failureOf(s));
            float[] seen = policy.audio();
            assertEquals(SR, seen.length, "exactly the cap survives");
            assertEquals(8000f, seen[0], "the oldest half second went, partly mid-chunk");
            assertEquals(5 * chunk - 1f, seen[seen.length - 1]);
            assertEquals(1, policy.finishes.get());
        }
    }

    @Test
    void failingStepsAreReportedAndTheSessionFailsAfterThreeInARow() throws Exception {
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        SessionListener listener = new SessionListener() {
            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }
        };
        // Step 1 dies with an Error (as a native crash might surface), step 2 works, 3..5 fail.
        FakeStepPolicy policy = new FakeStepPolicy((i, n) -> {
            if (i == 1) {
                throw new AssertionError("boom");
            }
            if (i >= 3) {
                throw new RecognitionException("backend failed " + i);
            }
        });
        try (InferenceScheduler scheduler = new InferenceScheduler(1)) {
            ScheduledSession s = scheduler.register(session(policy),
                    SessionOptions.of(0.1).withListener(listener));
            add(s, 0.1);
            assertInstanceOf(AssertionError.class, errors.poll(WAIT_S, TimeUnit.SECONDS));
            assertFalse(s.isDone());
            add(s, 0.1);
            FakeStepPolicy.StepRecord ok = nextStep(policy);
            assertEquals(3200, ok.newSamples(), "the failed step's audio is covered by the next step");
            assertEquals("steno-inference-1", ok.thread(), "the worker survived the Error");
            for (int k = 3; k <= 5; k++) {
                assertFalse(s.isDone(), "failed before " + k);
                add(s, 0.1);
                Throwable e = errors.poll(WAIT_S, TimeUnit.SECONDS);
                assertInstanceOf(RecognitionException.class, e);
                assertEquals("backend failed " + k, e.getMessage());
            }
            Throwable failure = failureOf(s);
            assertInstanceOf(RecognitionException.class, failure);
            assertEquals("backend failed 5", failure.getMessage());
            assertFalse(s.addAudio(new float[160], 0, 160));
            SchedulerStats stats = scheduler.stats();
            assertEquals(4, stats.failedSteps());
            assertEquals(1, stats.steps());
            assertEquals(0, stats.sessions());
        }
    }

    @Test
    void oneSessionNeverStepsOnTwoWorkersWhileDifferentSessionsDo() throws Exception {
        try (InferenceScheduler scheduler = new InferenceScheduler(4)) {
            // One session hammered from four network threads with 4 idle workers around. Each step lasts until more
            // audio for its session has arrived: the session is then ready again while it runs, which is when a
            // second worker could wrongly take it.
            AtomicBoolean fedAll = new AtomicBoolean();
            ScheduledSession[] hammered = new ScheduledSession[1];
            FakeStepPolicy policy = new FakeStepPolicy((i, n) -> Await.until(Duration.ofSeconds(WAIT_S),
                    () -> fedAll.get() || hammered[0].pendingSeconds() > 0, () -> "more audio while stepping"));
            ScheduledSession s = scheduler.register(session(policy), 0.01);
            hammered[0] = s;
            List<Thread> feeders = new ArrayList<>();
            List<Throwable> feederFailures = new CopyOnWriteArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread f = new Thread(() -> {
                    float[] a = new float[160];
                    try {
                        for (int i = 0; i < 200; i++) {
                            s.addAudio(a, 0, a.length);
                            if (i == 100) {
                                // half way, wait for a step, so that steps run while audio still arrives (a fast
                                // machine could otherwise deliver everything before the first step)
                                Await.until(Duration.ofSeconds(WAIT_S), () -> policy.attempts.get() > 0,
                                        () -> "a step while the audio arrives");
                            }
                        }
                    } catch (Exception | AssertionError e) {
                        feederFailures.add(e);
                    }
                });
                feeders.add(f);
                f.start();
            }
            for (Thread f : feeders) {
                f.join();
            }
            fedAll.set(true);
            assertEquals(List.of(), feederFailures);
            s.endOfStream();
            assertNull(failureOf(s));
            assertEquals(1, policy.maxActive.get());
            assertEquals(4 * 200 * 160, policy.totalSamples());
            assertTrue(policy.steps.size() > 1);

            // Two sessions whose steps can only complete together: they must run at the same time.
            CyclicBarrier both = new CyclicBarrier(2);
            FakeStepPolicy.StepHook meet = (i, n) -> both.await(WAIT_S, TimeUnit.SECONDS);
            FakeStepPolicy a = new FakeStepPolicy(meet);
            FakeStepPolicy b = new FakeStepPolicy(meet);
            ScheduledSession sa = scheduler.register(session(a), 0.1);
            ScheduledSession sb = scheduler.register(session(b), 0.1);
            add(sa, 0.1);
            add(sb, 0.1);
            assertNotEquals(nextStep(a).thread(), nextStep(b).thread());
            sa.cancel();
            sb.cancel();
        }
    }

    private static void assertNotEquals(Object x, Object y) {
        org.junit.jupiter.api.Assertions.assertNotEquals(x, y);
    }

    @Test
    void closeWithStepsInFlightFailsTheRestAndDoesNotHang() throws Exception {
        Gate gate = new Gate(1);
        InferenceScheduler scheduler = new InferenceScheduler(1);
        ScheduledSession running = scheduler.register(session(new FakeStepPolicy(gate)), 0.1);
        add(running, 0.1);
        gate.awaitEntered();
        FakeStepPolicy queuedPolicy = new FakeStepPolicy();
        ScheduledSession queued = scheduler.register(session(queuedPolicy), 0.1);
        add(queued, 0.3);
        queued.endOfStream();
        ScheduledSession idle = scheduler.register(session(new FakeStepPolicy()), 1.0);
        add(idle, 0.2);

        // the gate holds the step until the test releases it below: a shutdown that waited for the step would only
        // return after the gate gave up (and the step failed), and then with true
        assertFalse(scheduler.shutdown(Duration.ofMillis(100)), "the gated step is still running");
        assertInstanceOf(RejectedExecutionException.class, failureOf(queued));
        assertInstanceOf(RejectedExecutionException.class, failureOf(idle));
        assertEquals(0, queuedPolicy.attempts.get());
        assertFalse(running.isDone());
        assertFalse(running.addAudio(new float[160], 0, 160));
        assertThrows(RejectedExecutionException.class, () -> scheduler.register(session(new FakeStepPolicy()), 0.1));

        gate.release.countDown();
        assertInstanceOf(RejectedExecutionException.class, failureOf(running));
        assertTrue(scheduler.shutdown(Duration.ofSeconds(WAIT_S)), "the worker stops once its step returns");
        scheduler.close();
        assertEquals(0, scheduler.stats().sessions());
    }

    @Test
    void registrationBeyondTheLimitIsRefused() {
        try (InferenceScheduler scheduler = new InferenceScheduler(1, 1, System::nanoTime)) {
            ScheduledSession first = scheduler.register(session(new FakeStepPolicy()), 0.1);
            assertThrows(RejectedExecutionException.class, () -> scheduler.register(session(new FakeStepPolicy()), 0.1));
            assertEquals(1, scheduler.stats().rejectedSessions());
            first.cancel();
            scheduler.register(session(new FakeStepPolicy()), 0.1).cancel();
        }
    }

    @Test
    void defaultWorkersFollowCoresPerInference() {
        assertEquals(1, InferenceScheduler.defaultWorkers(2, 2));
        assertEquals(1, InferenceScheduler.defaultWorkers(1, 4));
        assertEquals(4, InferenceScheduler.defaultWorkers(16, 4));
        assertThrows(IllegalArgumentException.class, () -> new InferenceScheduler(0));
        assertThrows(IllegalArgumentException.class, () -> SessionOptions.of(2).withMaxPendingSeconds(1));
    }
}
