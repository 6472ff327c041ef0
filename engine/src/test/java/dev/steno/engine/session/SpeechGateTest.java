package dev.steno.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeechGateTest {
    static final int SR = 16000;

    /** Reports scripted speech intervals a little late, as a real detector does (one window, then min silence). */
    static final class ScriptedDetector implements SpeechGate.Detector {
        final SpeechGate gate;
        final long[][] speech;
        long received;
        int next;
        boolean inSpeech;

        ScriptedDetector(SpeechGate gate, long[][] speech) {
            this.gate = gate;
            this.speech = speech;
        }

        @Override
        public void accept(float[] s, int off, int len) {
            received += len;
            while (next < speech.length) {
                long[] iv = speech[next];
                if (!inSpeech && received >= iv[0] + 512) {
                    gate.speechStarted(iv[0]);
                    inSpeech = true;
                } else if (inSpeech && received >= iv[1] + 1600) {
                    gate.speechEnded(iv[1]);
                    inSpeech = false;
                    next++;
                } else {
                    break;
                }
            }
        }

        @Override
        public void end() {
            if (inSpeech) {
                gate.speechEnded(received);
            }
        }
    }

    /** Records what the gate did, checking that every speech sample arrives at its own absolute time. */
    static final class Recorder implements SpeechGate.Target {
        final List<String> actions = new ArrayList<>();
        long clock;
        long speechSamples;

        @Override
        public void speech(float[] samples, int offset, int length) {
            for (int i = 0; i < length; i++) {
                assertEquals(clock + i, (long) samples[offset + i], "sample placed at its absolute time");
            }
            clock += length;
            speechSamples += length;
        }

        @Override
        public void silence(int samples) {
            actions.add("silence " + samples);
            clock += samples;
        }

        @Override
        public void jumpTo(long absoluteSample) {
            actions.add("jump " + absoluteSample);
            clock = absoluteSample;
        }

        @Override
        public void utteranceEnd() {
            actions.add("end@" + clock);
        }

        @Override
        public void silenceLine(long startSample, long endSample) {
            actions.add("silence-line " + startSample + ".." + endSample);
        }
    }

    static Recorder run(long[][] speech, long total, Random chunks) {
        Recorder rec = new Recorder();
        SpeechGate gate = new SpeechGate(rec, SR, 1.0, 5.0, 5.0, 0.25);
        gate.attach(new ScriptedDetector(gate, speech));
        float[] ramp = new float[(int) total];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i; // exact in float up to 2^24 samples (17 minutes)
        }
        int pos = 0;
        while (pos < ramp.length) {
            int n = chunks == null ? 640 : 16 + chunks.nextInt(SR * 2);
            n = Math.min(n, ramp.length - pos);
            gate.accept(ramp, pos, n);
            pos += n;
        }
        gate.end();
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
