package dev.steno.engine.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadConfig;
import dev.steno.engine.vad.VoiceGating;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Silero VAD in front of a stream's policy, on the synthetic two-voice dialogue with known turns. */
class VoiceGatingTest {
    /** Turns of dialogue-a.rttm: start, end (seconds). */
    static final double[][] TURNS = {{0.5, 4.753}, {5.353, 10.158}, {10.758, 15.062}, {15.662, 20.034},
        {20.634, 24.798}};
    static SileroVadModel vad;
    static float[] dialogue;

    @BeforeAll
    static void load() throws Exception {
        vad = SileroVadModel.load(SharedFixtures.file("models/silero/silero_vad_v6.onnx"));
        dialogue = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(16000).samples();
    }

    @AfterAll
    static void close() {
        vad.close();
    }

    /** A policy that transcribes nothing but records what it was given, on the absolute clock. */
    static final class RecordingPolicy implements StreamingPolicy {
        long clock;
        long utteranceStart = -1;
        long lastSpeechSample = -1;
        final List<double[]> utterances = new ArrayList<>();
        final List<Double> processedRms = new ArrayList<>();
        final List<float[]> buffer = new ArrayList<>();

        @Override
        public void insertAudio(float[] s, int off, int len) {
            if (utteranceStart < 0) {
                utteranceStart = clock;
            }
            float[] copy = new float[len];
            System.arraycopy(s, off, copy, 0, len);
            buffer.add(copy);
            clock += len;
        }

        /** Records the loudest 32 ms window of the buffer the step would transcribe. */
        @Override
        public PolicyStep process() {
            double loudest = 0;
            for (float[] b : buffer) {
                for (int w = 0; w + 512 <= b.length; w += 512) {
                    double sum = 0;
                    for (int i = w; i < w + 512; i++) {
                        sum += b[i] * b[i];
                    }
                    loudest = Math.max(loudest, Math.sqrt(sum / 512));
                }
            }
            processedRms.add(loudest);
            return new PolicyStep(List.of(), List.of());
        }

        @Override
        public PolicyStep finish() {
            if (utteranceStart >= 0) {
                utterances.add(new double[] {utteranceStart / 16000.0, clock / 16000.0});
            }
            utteranceStart = -1;
            buffer.clear();
            return new PolicyStep(List.of(), List.of());
        }

        @Override
        public double bufferedSeconds() {
            return 0;
        }

        @Override
        public double bufferStartSeconds() {
            return clock / 16000.0;
        }

        @Override
        public double committedEndSeconds() {
            return clock / 16000.0;
        }

        @Override
        public void reset(double newOffsetSeconds) {
            clock = Math.round(newOffsetSeconds * 16000);
            buffer.clear();
        }
    }

    private static TranscriptionStream gated(StreamingPolicy policy) {
        return StreamBuilder.withPolicy(policy).voiceActivity(VoiceGating.of(vad, VadConfig.defaults(), 5.0))
                .clock(() -> 0).build();
    }

    private static RecordingPolicy run(Random chunks, List<TranscriptLine> linesOut) {
        RecordingPolicy policy = new RecordingPolicy();
        TranscriptionStream stream = gated(policy);
        int pos = 0;
        while (pos < dialogue.length) {
            int n = Math.min(dialogue.length - pos, chunks == null ? 16000 : 16 + chunks.nextInt(32000));
            stream.accept(dialogue, pos, n);
            pos += n;
            stream.step();
        }
        stream.finish();
        stream.close();
        linesOut.addAll(stream.lines());
        return policy;
    }

    @Test
    void everyTurnChangeIsAnUtteranceBoundary() {
        RecordingPolicy p = run(null, new ArrayList<>());
        assertTrue(p.utterances.size() >= TURNS.length, "at least one utterance per turn: " + describe(p));
        for (double[] u : p.utterances) {
            // an utterance must belong to a single turn; the RTTM turns run about 0.35 s into the silence after the
            // voice, and an utterance starts with up to 1 s of pre-roll, hence the tolerance
            int first = -1;
            int last = -1;
            for (int t = 0; t < TURNS.length; t++) {
                boolean overlaps = u[1] > TURNS[t][0] + 0.4 && u[0] < TURNS[t][1] - 0.4;
                if (overlaps) {
                    first = first < 0 ? t : first;
                    last = t;
                }
            }
            assertTrue(first == last, "utterance " + u[0] + ".." + u[1] + " spans turns " + first + ".." + last
                    + ": " + describe(p));
        }
        for (int t = 0; t + 1 < TURNS.length; t++) {
            double change = (TURNS[t][1] + TURNS[t + 1][0]) / 2;
            boolean boundary = false;
            for (double[] u : p.utterances) {
                boundary |= Math.abs(u[1] - change) < 0.7;
            }
            assertTrue(boundary, "an utterance ends at the turn change near " + change + ": " + describe(p));
        }
    }

    @Test
    void theRecogniserOnlyEverSeesSpeech() {
        RecordingPolicy p = run(null, new ArrayList<>());
        assertTrue(!p.processedRms.isEmpty());
        for (double rms : p.processedRms) {
            // the gaps of this file are digital silence (rms 0); a speech onset alone is already well above 0.01
            assertTrue(rms > 0.01, "a step without any voiced window: loudest rms " + rms + " in " + p.processedRms + " " + describe(p));
        }
    }

    @Test
    void chunkSizesDoNotMoveTheBoundaries() {
        RecordingPolicy reference = run(null, new ArrayList<>());
        for (int seed = 1; seed <= 3; seed++) {
            RecordingPolicy r = run(new Random(seed), new ArrayList<>());
            assertEquals(describe(reference), describe(r), "seed " + seed);
        }
    }

    @Test
    void aStreamSpeaksWhileTheGateLetsSpeechThroughAndStopsSpeakingAfterThePause() {
        double[] clock = {0};
        RecordingPolicy policy = new RecordingPolicy();
        TranscriptionStream stream = StreamBuilder.withPolicy(policy)
                .voiceActivity(VoiceGating.of(vad, VadConfig.defaults(), 5.0)).clock(() -> clock[0]).build();
        TranscriptionStream ungated = StreamBuilder.withPolicy(new RecordingPolicy()).clock(() -> clock[0]).build();
        float[] silence = new float[8 * 16000];
        float[] audio = new float[dialogue.length + silence.length];
        System.arraycopy(dialogue, 0, audio, 0, dialogue.length);
        boolean spokeDuringTheFirstTurn = false;
        for (int pos = 0; pos < audio.length; pos += 1600) {
            int n = Math.min(1600, audio.length - pos);
            stream.accept(audio, pos, n);
            ungated.accept(audio, pos, n);
            clock[0] = (pos + n) / 16000.0; // the stream clock runs with the audio, as it does live
            stream.step();
            ungated.step();
            if (clock[0] <= 0.3) {
                assertTrue(!stream.spokeWithin(1e9), "nothing but the leading silence so far");
            }
            spokeDuringTheFirstTurn |= clock[0] > TURNS[0][0] + 1 && clock[0] < TURNS[0][1] - 1
                    && stream.spokeWithin(1.0);
        }
        assertTrue(spokeDuringTheFirstTurn, "speech reached the recogniser within a second, mid-turn");
        assertTrue(!stream.spokeWithin(3.0), "8 s after the last voice the gated stream is quiet");
        assertTrue(ungated.spokeWithin(3.0), "without a gate every sample counts as speech");
        stream.close();
        ungated.close();
    }

    @Test
    void silenceAndNoiseAloneCommitNothingAndCallNothing() {
        RecordingPolicy policy = new RecordingPolicy();
        TranscriptionStream stream = gated(policy);
        Random rnd = new Random(7);
        float[] noise = new float[16000];
        for (int s = 0; s < 20; s++) {
            for (int i = 0; i < noise.length; i++) {
                noise[i] = s % 2 == 0 ? 0f : (float) (rnd.nextGaussian() * 0.01);
            }
            stream.accept(noise, 0, noise.length);
            stream.step();
        }
        stream.finish();
        stream.close();
        assertTrue(policy.processedRms.isEmpty(), "the recogniser was never called");
        assertTrue(policy.utterances.isEmpty());
        assertTrue(stream.committedWords().isEmpty());
    }

    @Test
    void longPausesBecomeSilenceLinesAndKeepTheClock() {
        // dialogue, 8 s of silence, dialogue again: the second copy must land 8 s after the first ends
        float[] twice = new float[dialogue.length * 2 + 8 * 16000];
        System.arraycopy(dialogue, 0, twice, 0, dialogue.length);
        System.arraycopy(dialogue, 0, twice, dialogue.length + 8 * 16000, dialogue.length);
        RecordingPolicy policy = new RecordingPolicy();
        TranscriptionStream stream = gated(policy);
        for (int pos = 0; pos < twice.length; pos += 16000) {
            stream.accept(twice, pos, Math.min(16000, twice.length - pos));
            stream.step();
        }
        stream.finish();
        List<TranscriptLine> silences = stream.lines().stream().filter(TranscriptLine::isSilence).toList();
        assertEquals(1, silences.size(), stream.lines().toString());
        assertTrue(silences.get(0).end() - silences.get(0).start() > 8, silences.toString());
        double offset = (dialogue.length + 8 * 16000) / 16000.0;
        double[] firstOfSecondCopy = policy.utterances.stream().filter(u -> u[0] > offset - 1.2).findFirst().orElseThrow();
        double[] firstOfFirstCopy = policy.utterances.get(0);
        // the second copy sits on a different 32 ms window grid, so decisions may move by a window or two
        assertEquals(firstOfFirstCopy[1] + offset, firstOfSecondCopy[1], 0.1, "absolute time survives the jump");
        stream.close();
    }

    private static String describe(RecordingPolicy p) {
        StringBuilder b = new StringBuilder();
        for (double[] u : p.utterances) {
            b.append(String.format(java.util.Locale.ROOT, "[%.3f-%.3f]", u[0], u[1]));
        }
        return b.toString();
    }
}
