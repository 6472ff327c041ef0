package dev.steno.engine.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamSimulatorTest {
    /** A policy that sees one word per half second of audio and commits a word 1 s after it ends. */
    static final class DelayedCommitPolicy implements StreamingPolicy {
        long samples;
        int committedCount;
        final List<Integer> stepSizes = new ArrayList<>();
        long lastStepSamples;

        @Override
        public void insertAudio(float[] s, int off, int len) {
            samples += len;
        }

        private List<Word> visible() {
            List<Word> all = new ArrayList<>();
            for (int i = 0; (i + 1) * 0.5 <= samples / 16000.0 + 1e-9; i++) {
                all.add(new Word(" w" + i, i * 0.5, i * 0.5 + 0.5));
            }
            return all;
        }

        @Override
        public PolicyStep process() {
            stepSizes.add((int) (samples - lastStepSamples));
            lastStepSamples = samples;
            List<Word> all = visible();
            double now = samples / 16000.0;
            List<Word> commit = new ArrayList<>();
            while (committedCount < all.size() && all.get(committedCount).end() <= now - 1.0 + 1e-9) {
                commit.add(all.get(committedCount++));
            }
            return new PolicyStep(commit, all.subList(committedCount, all.size()));
        }

        @Override
        public PolicyStep finish() {
            List<Word> all = visible();
            List<Word> rest = new ArrayList<>(all.subList(committedCount, all.size()));
            committedCount = all.size();
            return new PolicyStep(rest, List.of());
        }

        @Override
        public double bufferedSeconds() {
            return samples / 16000.0;
        }

        @Override
        public double bufferStartSeconds() {
            return 0;
        }

        @Override
        public double committedEndSeconds() {
            return committedCount * 0.5;
        }

        @Override
        public void reset(double newOffsetSeconds) {
        }
    }

    @Test
    void fastModeFeedsFixedChunksAndMeasuresLatencyOnTheAudioClock() {
        DelayedCommitPolicy policy = new DelayedCommitPolicy();
        AtomicLong fakeNanos = new AtomicLong();
        StreamSimulator sim = new StreamSimulator(0.25, false, () -> fakeNanos.addAndGet(1_000_000));
        List<TranscriptUpdate> updates = new ArrayList<>();
        StreamSimulator.Result r = sim.run(new float[16000 * 5],
                StreamBuilder.withPolicy(policy), updates::add);
        assertEquals(20, r.steps());
        assertTrue(policy.stepSizes.stream().allMatch(s -> s == 4000), policy.stepSizes.toString());
        assertEquals(10, r.words().size());
        // words committed during streaming are exactly 1 s late on the audio clock; the last ones come at finish
        for (int i = 0; i < 8; i++) {
            assertEquals(1.0, r.commitLatencies().get(i), 1e-9, "word " + i);
        }
        assertEquals(0.5, r.commitLatencies().get(8), 1e-9);
        assertEquals(0.0, r.commitLatencies().get(9), 1e-9);
        assertEquals(1.0, r.latencyQuantile(0.5), 1e-9);
        assertTrue(updates.get(updates.size() - 1).final_());
        assertEquals(5.0, r.audioSeconds(), 1e-9);
        assertTrue(r.realTimeFactor() > 0 && r.realTimeFactor() < 1);
    }

    @Test
    void realtimeModeTakesWhatArrivedDuringASlowStep() {
        DelayedCommitPolicy policy = new DelayedCommitPolicy();
        // a fake wall clock that advances 0.8 s per reading: steps "take" long, so several chunks pile up
        AtomicLong fakeNanos = new AtomicLong();
        StreamSimulator sim = new StreamSimulator(0.1, true, () -> fakeNanos.addAndGet(800_000_000L));
        StreamSimulator.Result r = sim.run(new float[16000 * 4],
                StreamBuilder.withPolicy(policy), u -> { });
        assertTrue(policy.stepSizes.stream().allMatch(s -> s >= 1600), policy.stepSizes.toString());
        assertTrue(policy.stepSizes.stream().anyMatch(s -> s > 1600), "a slow step makes the next one bigger");
        assertEquals(64000, policy.stepSizes.stream().mapToInt(Integer::intValue).sum());
        assertEquals(8, r.words().size());
    }
}
