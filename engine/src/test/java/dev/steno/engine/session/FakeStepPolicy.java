package dev.steno.engine.session;

import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.transcript.Word;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A policy whose step cost and failures the test controls. It records the audio each step saw and checks that no
 * two of its steps overlap. Like a real policy it keeps the audio of a failed step for the next one.
 */
final class FakeStepPolicy implements StreamingPolicy {
    /** Runs inside {@code process()} before the step is recorded; may block, sleep or throw. */
    interface StepHook {
        void beforeStep(int stepIndex, long newSamples) throws Exception;
    }

    /** One successful step: how much audio it saw that no earlier successful step had seen, and in total. */
    record StepRecord(int index, long newSamples, long totalSamples, String thread) {
    }

    private final StepHook hook;
    private final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    final BlockingQueue<StepRecord> stepQueue = new LinkedBlockingQueue<>();
    final List<StepRecord> steps = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger finishes = new AtomicInteger();
    volatile long samplesAtFinish = -1;

    // Touched by one step at a time (that is what maxActive checks).
    private float[] audio = new float[1024];
    private long total;
    private long steppedUpTo;

    FakeStepPolicy(StepHook hook) {
        this.hook = hook;
    }

    FakeStepPolicy() {
        this((i, n) -> { });
    }

    /** Every sample received, in order. */
    synchronized float[] audio() {
        return Arrays.copyOf(audio, (int) total);
    }

    synchronized long totalSamples() {
        return total;
    }

    @Override
    public synchronized void insertAudio(float[] samples16k, int offset, int length) {
        if (total + length > audio.length) {
            audio = Arrays.copyOf(audio, (int) Math.max(audio.length * 2L, total + length));
        }
        System.arraycopy(samples16k, offset, audio, (int) total, length);
        total += length;
    }

    @Override
    public PolicyStep process() {
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        try {
            int index = attempts.incrementAndGet();
            long seen = totalSamples();
            try {
                hook.beforeStep(index, seen - steppedUpTo);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            StepRecord record = new StepRecord(index, seen - steppedUpTo, seen, Thread.currentThread().getName());
            steppedUpTo = seen;
            steps.add(record);
            stepQueue.add(record);
            double end = seen / 16000.0;
            return new PolicyStep(List.of(new Word(" s" + index, Math.max(0, end - 0.1), end)), List.of());
        } finally {
            active.decrementAndGet();
        }
    }

    @Override
    public PolicyStep finish() {
        finishes.incrementAndGet();
        samplesAtFinish = totalSamples();
        double end = samplesAtFinish / 16000.0;
        return new PolicyStep(List.of(new Word(" end", end, end)), List.of());
    }

    @Override
    public double bufferedSeconds() {
        return 0;
    }

    @Override
    public double bufferStartSeconds() {
        return 0;
    }

    @Override
    public double committedEndSeconds() {
        return 0;
    }

    @Override
    public void reset(double newOffsetSeconds) {
    }
}
