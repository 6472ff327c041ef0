package dev.steno.engine.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.vad.VadFixtures.Agreement;
import dev.steno.engine.vad.VadFixtures.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The controller over the real Silero models and fixture audio. Figures are printed to the test output. */
class VoiceActivityControllerTest {
    private static final String DIALOGUE = "audio/synthetic/dialogue-a.wav";

    private static List<VadEvent> feed(SileroVadModel m, float[] audio, int rate, VadConfig cfg, Random chunks) {
        List<VadEvent> events = new ArrayList<>();
        try (VoiceActivityController c = new VoiceActivityController(m, rate, cfg)) {
            int pos = 0;
            while (pos < audio.length) {
                // 1 ms .. 2 s
                int n = chunks == null ? audio.length
                        : Math.min(audio.length - pos, rate / 1000 + chunks.nextInt(2 * rate - rate / 1000 + 1));
                events.addAll(c.accept(audio, pos, n));
                pos += n;
            }
            events.addAll(c.end());
        }
        return events;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v6"})
    void syntheticDialogueAgreesWithTheReference(String version) {
        PcmAudio a = VadFixtures.audio(DIALOGUE, 16000);
        List<VadEvent> events = VoiceActivityController.detect(VadFixtures.model(version), a, VadConfig.DEFAULT);
        List<Span> hyp = VadFixtures.segments(events);
        List<Span> ref = VadFixtures.rttmSpeech("audio/synthetic/dialogue-a.rttm", "dialogue-a");
        Agreement ag = VadFixtures.agreement(ref, hyp, new Span(0, a.durationSeconds()));
        System.out.printf(Locale.ROOT, "VAD %s dialogue-a: %s; %d segments%n", version, ag, hyp.size());
        assertTrue(ag.accuracy() >= 0.90, version + " dialogue-a " + ag + " segments " + hyp);
        // every reference turn is detected as speech somewhere
        for (Span turn : ref) {
            assertTrue(hyp.stream().anyMatch(h -> h.start() < turn.end() && h.end() > turn.start()),
                    "turn " + turn + " missed: " + hyp);
        }
        // Most of what remains is the reference's fault: each RTTM turn runs on through ~0.35 s of digital silence
        // after the voice stops (e.g. turn 1 is silent from 4.40 s but "ends" at 4.753 s), and the 0.1 s minimum
        // silence splits turns at sentence pauses of ~0.15 s. With ufal's 0.5 s minimum silence the segments are
        // exactly the five turns, so the four turn changes are all seen as pauses.
        VadConfig turns = VadConfig.DEFAULT.withMinSilenceSeconds(0.5);
        List<Span> turnHyp = VadFixtures.segments(
                VoiceActivityController.detect(VadFixtures.model(version), a, turns));
        Agreement turnAg = VadFixtures.agreement(ref, turnHyp, new Span(0, a.durationSeconds()));
        System.out.printf(Locale.ROOT, "VAD %s dialogue-a, min silence 0.5 s: %s; %d segments%n", version, turnAg,
                turnHyp.size());
        assertEquals(ref.size(), turnHyp.size(), "one segment per turn: " + turnHyp);
        for (int i = 0; i < ref.size(); i++) {
            assertEquals(ref.get(i).start(), turnHyp.get(i).start(), 0.15, "turn " + i + " start");
        }
        assertTrue(turnAg.accuracy() >= 0.92, turnAg.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev00", "dev01"})
    void amiExcerptsAgreementIsReported(String id) {
        // The RTTM file ids are the WAV names; the UEM scores each 30 s excerpt from 0 to 30 s, so RTTM times are
        // excerpt times.
        PcmAudio a = VadFixtures.audio("audio/ami/" + id + ".wav", 16000);
        List<Span> ref = VadFixtures.rttmSpeech("audio/ami/debug.development.rttm", id);
        Span uem = VadFixtures.uem("audio/ami/debug.development.uem", id);
        for (String version : List.of("v5", "v6")) {
            List<Span> hyp = VadFixtures.segments(
                    VoiceActivityController.detect(VadFixtures.model(version), a, VadConfig.DEFAULT));
            Agreement ag = VadFixtures.agreement(ref, hyp, uem);
            System.out.printf(Locale.ROOT, "VAD %s AMI %s: %s; %d segments%n", version, id, ag, hyp.size());
            // AMI far-field meeting audio with backchannels: reported, with only a loose sanity floor.
            assertTrue(ag.accuracy() >= 0.6, version + " " + id + " " + ag);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v6"})
    void randomChunkSizesGiveIdenticalEvents(String version) {
        SileroVadModel m = VadFixtures.model(version);
        for (String file : List.of(DIALOGUE, "audio/ami/dev00.wav")) {
            PcmAudio a = VadFixtures.audio(file, 16000);
            List<VadEvent> reference = feed(m, a.samples(), 16000, VadConfig.DEFAULT, null);
            assertFalse(reference.isEmpty());
            for (long seed = 1; seed <= 3; seed++) {
                assertEquals(reference, feed(m, a.samples(), 16000, VadConfig.DEFAULT, new Random(seed)),
                        version + " " + file + " seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v6"})
    void silenceAndNoiseGiveNoSpeech(String version) {
        SileroVadModel m = VadFixtures.model(version);
        int n = 16000 * 10;
        assertEquals(List.of(), feed(m, new float[n], 16000, VadConfig.DEFAULT, new Random(1)), "digital silence");
        for (double amplitude : new double[] {0.001, 0.01, 0.1}) {
            Random r = new Random(99);
            float[] noise = new float[n];
            for (int i = 0; i < n; i++) {
                noise[i] = (float) (amplitude * r.nextGaussian());
            }
            float max = maxProbability(m, noise);
            System.out.printf(Locale.ROOT, "VAD %s white gaussian noise sigma %.3f: max p %.3f%n", version,
                    amplitude, max);
            assertEquals(List.of(), feed(m, noise, 16000, VadConfig.DEFAULT, new Random(2)),
                    "white noise sigma " + amplitude);
        }
    }

    private static float maxProbability(SileroVadModel m, float[] audio) {
        float max = 0;
        try (VadStream s = m.newStream(16000)) {
            for (int off = 0; off + 512 <= audio.length; off += 512) {
                max = Math.max(max, s.probability(audio, off));
            }
        }
        return max;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v6"})
    void eightKilohertzFindsTheSameTurns(String version) {
        SileroVadModel m = VadFixtures.model(version);
        PcmAudio a16 = VadFixtures.audio(DIALOGUE, 16000);
        PcmAudio a8 = a16.resampledTo(8000);
        List<Span> s16 = VadFixtures.segments(VoiceActivityController.detect(m, a16, VadConfig.DEFAULT));
        List<VadEvent> e8 = feed(m, a8.samples(), 8000, VadConfig.DEFAULT, new Random(5));
        assertEquals(8000, e8.getFirst().sampleRate());
        List<Span> s8 = VadFixtures.segments(e8);
        Agreement between = VadFixtures.agreement(s16, s8, new Span(0, a16.durationSeconds()));
        List<Span> ref = VadFixtures.rttmSpeech("audio/synthetic/dialogue-a.rttm", "dialogue-a");
        Agreement vsRef = VadFixtures.agreement(ref, s8, new Span(0, a16.durationSeconds()));
        System.out.printf(Locale.ROOT, "VAD %s dialogue-a at 8 kHz: vs 16 kHz %s; vs reference %s%n", version,
                between, vsRef);
        assertTrue(between.accuracy() >= 0.95, "8 kHz vs 16 kHz " + between + "\n16k " + s16 + "\n8k " + s8);
        assertTrue(vsRef.accuracy() >= 0.90, "8 kHz vs reference " + vsRef);
    }
}
