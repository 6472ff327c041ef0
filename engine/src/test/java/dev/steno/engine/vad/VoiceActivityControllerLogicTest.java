package dev.steno.engine.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The controller's hysteresis and offsets with scripted probabilities: window {@code k} scores {@code script[k]}
 * (the samples carry their window index, so the scorer also checks the controller hands it the right window).
 */
class VoiceActivityControllerLogicTest {
    private static final int W = 512;
    private static final int RATE = 16000;

    private static VadEvent start(long s) {
        return new VadEvent(VadEvent.Kind.SPEECH_START, s, RATE);
    }

    private static VadEvent end(long s) {
        return new VadEvent(VadEvent.Kind.SPEECH_END, s, RATE);
    }

    /** Audio whose every sample in window k equals k, and a scorer that looks the window up in the script. */
    private static List<VadEvent> run(float[] script, int tailSamples, VadConfig cfg, int[] chunks) {
        int total = script.length * W + tailSamples;
        float[] audio = new float[total];
        for (int i = 0; i < total; i++) {
            audio[i] = i / W;
        }
        List<VadEvent> events = new ArrayList<>();
        VoiceActivityController.WindowScorer scorer = (s, off) -> {
            int k = (int) s[off];
            for (int i = 1; i < W; i++) {
                if (s[off + i] != k && !(s[off + i] == 0 && k * W + i >= total)) {
                    throw new AssertionError("window " + k + " has a foreign sample at " + i);
                }
            }
            return k < script.length ? script[k] : 0f;
        };
        try (VoiceActivityController c = new VoiceActivityController(scorer, W, RATE, cfg, null)) {
            int pos = 0;
            int i = 0;
            while (pos < total) {
                int n = Math.min(chunks[i++ % chunks.length], total - pos);
                events.addAll(c.accept(audio, pos, n));
                pos += n;
            }
            assertEquals(total, c.samplesSeen());
            events.addAll(c.end());
        }
        return events;
    }

    /** Defaults with the pad these tests were written for: 0.05 s = 800 samples. */
    private static final VadConfig CFG = VadConfig.DEFAULT.withSpeechPadSeconds(0.05);

    private static List<VadEvent> run(float[] script, VadConfig cfg) {
        return run(script, 0, cfg, new int[] {script.length * W});
    }

    @Test
    void onsetOffsetAndMinimumSilence() {
        // pad 0.05 s = 800 samples; min silence 0.1 s = 1600 samples -> 4 windows of silence end speech
        float[] p = {0.1f, 0.2f, 0.6f, 0.9f, 0.4f, 0.3f, 0.2f, 0.1f, 0.1f, 0.1f, 0.1f};
        assertEquals(List.of(start(2 * W - 800), end(5 * W + 800)), run(p, CFG));
    }

    @Test
    void betweenThresholdsHoldsTheCurrentState() {
        float[] p = {0.45f, 0.45f, 0.55f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.2f, 0.2f, 0.2f, 0.2f, 0.45f, 0.45f};
        // 0.45 cannot start speech, 0.4 keeps it going, four windows below 0.35 end it, 0.45 does not restart it
        assertEquals(List.of(start(2 * W - 800), end(8 * W + 800)), run(p, CFG));
    }

    @Test
    void shortPausesDoNotSplitSpeech() {
        float[] p = {0.9f, 0.1f, 0.1f, 0.1f, 0.9f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f};
        assertEquals(List.of(start(0), end(5 * W + 800)), run(p, CFG));
    }

    @Test
    void aNewStartNeverPrecedesThePreviousEnd() {
        VadConfig cfg = VadConfig.DEFAULT.withSpeechPadSeconds(0.1).withMinSilenceSeconds(0.0);
        float[] p = {0.9f, 0.1f, 0.9f, 0.1f};
        // pad 1600 > W: the end is clamped to the audio seen at the decision, the start to the previous end
        List<VadEvent> ev = run(p, cfg);
        assertEquals(List.of(start(0), end(2 * W), start(2 * W), end(4 * W)), ev);
    }

    @Test
    void endClosesOpenSpeechWithinTheAudio() {
        float[] p = {0.1f, 0.9f, 0.9f};
        assertEquals(List.of(start(0), end(3 * W)), run(p, CFG));
        // a partial final window is scored (padded with zeros); offsets stay inside the audio
        List<VadEvent> tail = run(new float[] {0.1f, 0.1f, 0.9f}, 100, CFG, new int[] {7});
        assertEquals(List.of(start(2 * W - 800), end(3 * W + 100)), tail);
    }

    @Test
    void identicalEventsForEveryChunking() {
        Random r = new Random(42);
        float[] p = new float[2000];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextFloat();
            if (i % 50 < 20) {
                p[i] *= 0.3f;
            }
        }
        List<VadEvent> reference = run(p, 333, CFG, new int[] {Integer.MAX_VALUE});
        assertFalse(reference.isEmpty());
        for (int[] chunks : new int[][] {{1}, {511}, {512}, {513}, {1, 1023, 7, 2048, 300}, {16000}}) {
            assertEquals(reference, run(p, 333, CFG, chunks));
        }
    }

    @Test
    void stateAccessorsAndEnd() {
        List<VadEvent> events = new ArrayList<>();
        VoiceActivityController c = new VoiceActivityController((s, off) -> 0.9f, W, RATE, CFG, null);
        events.addAll(c.accept(new float[W - 1]));
        assertFalse(c.isSpeaking());
        assertEquals(W - 1, c.samplesSeen());
        assertEquals(0, c.samplesDecided());
        events.addAll(c.accept(new float[2], 0, 2));
        assertTrue(c.isSpeaking());
        assertEquals(List.of(start(0)), events);
        events.addAll(c.end());
        assertFalse(c.isSpeaking());
        assertEquals(List.of(start(0), end(W + 1)), events);
        assertTrue(c.end().isEmpty(), "a second end decides nothing");
        assertEquals(2, events.size());
        assertThrows(IllegalStateException.class, () -> c.accept(new float[1]));
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new VadConfig(0.5, 0.6, 0.1, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> new VadConfig(1.0, 0.35, 0.1, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> new VadConfig(0.5, 0.0, 0.1, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> new VadConfig(0.5, 0.35, -0.1, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> new VadConfig(0.5, 0.35, 0.1, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new VadConfig(0.5, 0.35, 0.1, 0.05, -1));
        assertEquals(new VadConfig(0.5, 0.35, 0.1, 0.1, 1.0), VadConfig.defaults());
    }
}
