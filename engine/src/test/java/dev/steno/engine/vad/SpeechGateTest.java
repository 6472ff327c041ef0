package dev.steno.engine.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeechGateTest {
    static final int SR = 16000;

    /** Decides scripted speech intervals a little late, as a real detector does (one window, then min silence). */
    static final class ScriptedDetector {
        final long[][] speech;
        long received;
        int next;
        boolean inSpeech;

        ScriptedDetector(long[][] speech) {
            this.speech = speech;
        }

        List<VadEvent> accept(int len) {
            List<VadEvent> events = new ArrayList<>();
            received += len;
            while (next < speech.length) {
                long[] iv = speech[next];
                if (!inSpeech && received >= iv[0] + 512) {
                    events.add(new VadEvent(VadEvent.Kind.SPEECH_START, iv[0], SR));
                    inSpeech = true;
                } else if (inSpeech && received >= iv[1] + 1600) {
                    events.add(new VadEvent(VadEvent.Kind.SPEECH_END, iv[1], SR));
                    inSpeech = false;
                    next++;
                } else {
                    break;
                }
            }
            return events;
        }

        List<VadEvent> end() {
            return inSpeech ? List.of(new VadEvent(VadEvent.Kind.SPEECH_END, received, SR)) : List.of();
        }
    }

    /** Records what the gate decided, checking that every speech sample arrives at its own absolute time. */
    static final class Recorder {
        final List<String> actions = new ArrayList<>();
        long clock;
        long speechSamples;

        void apply(List<GateAction> decided) {
            for (GateAction a : decided) {
                switch (a) {
                    case GateAction.Speech speech -> {
                        float[] samples = speech.samples();
                        for (int i = 0; i < samples.length; i++) {
                            assertEquals(clock + i, (long) samples[i], "sample placed at its absolute time");
                        }
                        clock += samples.length;
                        speechSamples += samples.length;
                    }
                    case GateAction.Silence silence -> {
                        actions.add("silence " + silence.samples());
                        clock += silence.samples();
                    }
                    case GateAction.Jump jump -> {
                        actions.add("jump " + jump.sample());
                        clock = jump.sample();
                    }
                    case GateAction.UtteranceEnd end -> {
                        assertEquals(clock, end.sample(), "the utterance ends where its audio does");
                        actions.add("end@" + clock);
                    }
                    case GateAction.SilenceLine line ->
                            actions.add("silence-line " + line.startSample() + ".." + line.endSample());
                }
            }
        }
    }

    static Recorder run(long[][] speech, long total, Random chunks) {
        Recorder rec = new Recorder();
        SpeechGate gate = new SpeechGate(SR, 1.0, 5.0, 5.0, 0.25);
        ScriptedDetector detector = new ScriptedDetector(speech);
        float[] ramp = new float[(int) total];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i; // exact in float up to 2^24 samples (17 minutes)
        }
        int pos = 0;
        while (pos < ramp.length) {
            int n = chunks == null ? 640 : 16 + chunks.nextInt(SR * 2);
            n = Math.min(n, ramp.length - pos);
            rec.apply(gate.accept(ramp, pos, n, detector.accept(n)));
            pos += n;
        }
        rec.apply(gate.end(detector.end()));
        return rec;
    }

    @Test
    void shortPausesBecomeSilenceLongOnesJumpAndShowAsLines() {
        long[][] speech = {{2 * SR, 4 * SR}, {6 * SR, 8 * SR}, {20 * SR, 22 * SR}};
        Recorder rec = run(speech, 25L * SR, null);
        assertEquals(List.of(
                "silence " + SR,              // 0..1 s: before the pre-roll of the first utterance
                "end@" + 4 * SR,              // exactly where the detector put the end, though it said so late
                "silence " + SR,              // 4..5 s: the pause before the next pre-roll, fed as silence
                "end@" + 8 * SR,
                "silence-line " + 8 * SR + ".." + 20 * SR,
                "jump " + 19 * SR,            // 12 s of pause: the window restarts 1 s before the speech
                "end@" + 22 * SR), rec.actions);
    }

    @Test
    void anyChunkingGivesTheSameDecisions() {
        long[][] speech = {{SR / 2, 3 * SR}, {3 * SR + SR / 2, 9 * SR}, {16 * SR, 17 * SR + 123}};
        Recorder reference = run(speech, 20L * SR, null);
        for (int seed = 1; seed <= 5; seed++) {
            Recorder r = run(speech, 20L * SR, new Random(seed));
            assertEquals(reference.actions, r.actions, "seed " + seed);
            assertEquals(reference.speechSamples, r.speechSamples, "seed " + seed);
        }
    }

    @Test
    void silenceAloneReachesNothing() {
        Recorder rec = run(new long[0][], 30L * SR, null);
        assertTrue(rec.actions.isEmpty(), rec.actions.toString());
        assertEquals(0, rec.speechSamples);
    }
}
