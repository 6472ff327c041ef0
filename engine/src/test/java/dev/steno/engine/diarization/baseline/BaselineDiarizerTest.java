package dev.steno.engine.diarization.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadConfig;
import dev.steno.engine.vad.VadEvent;
import dev.steno.engine.vad.VoiceActivityController;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BaselineDiarizerTest {
    private static final int SR = 16000;
    private static float[] dialogue;
    /** The reference turns of dialogue-a: start, end, voice. */
    private static final List<String[]> TURNS = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        dialogue = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(SR).samples();
        for (String line : Files.readAllLines(SharedFixtures.file("audio/synthetic/dialogue-a.rttm"))) {
            String[] f = line.trim().split("\\s+");
            double start = Double.parseDouble(f[3]);
            TURNS.add(new String[]{f[3], Double.toString(start + Double.parseDouble(f[4])), f[7]});
        }
    }

    /** Streams {@code audio} in {@code chunk}-sample pieces, checking the append-only contract on the way. */
    private static List<SpeakerSegment> stream(Diarizer diarizer, float[] audio, int chunk,
                                               VoiceActivityController vad) {
        List<SpeakerSegment> all = new ArrayList<>();
        double coverage = 0;
        for (int pos = 0; pos < audio.length; pos += chunk) {
            int n = Math.min(chunk, audio.length - pos);
            List<VadEvent> events = vad == null ? List.of() : vad.accept(audio, pos, n);
            for (SpeakerSegment s : diarizer.accept(audio, pos, n, events)) {
                assertTrue(s.start() >= coverage - 1e-9, s + " starts before the coverage " + coverage);
                all.add(s);
            }
            assertTrue(diarizer.coverage() >= coverage, "coverage never goes back");
            coverage = diarizer.coverage();
            assertTrue(coverage <= (pos + n) / (double) SR + 1e-9, "coverage beyond the audio heard");
        }
        for (SpeakerSegment s : diarizer.finish()) {
            assertTrue(s.start() >= coverage - 1e-9, s + " starts before the coverage " + coverage);
            all.add(s);
        }
        assertTrue(diarizer.coverage() >= audio.length / (double) SR - 1e-9, "the end decides everything");
        return all;
    }

    /** The label most of each reference turn got, by overlap; checks each turn is mostly (85%) one label. */
    private static List<Integer> labelPerTurn(List<SpeakerSegment> segments, double shift) {
        List<Integer> labels = new ArrayList<>();
        for (String[] t : TURNS) {
            double start = Double.parseDouble(t[0]) + shift;
            double end = Double.parseDouble(t[1]) + shift;
            Map<Integer, Double> overlap = new HashMap<>();
            for (SpeakerSegment s : segments) {
                overlap.merge(s.speaker(), s.overlap(start, end), Double::sum);
            }
            int best = overlap.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            double total = overlap.values().stream().mapToDouble(Double::doubleValue).sum();
            assertTrue(overlap.get(best) >= 0.85 * total, "turn at " + start + " is split: " + overlap);
            assertTrue(overlap.get(best) >= 0.75 * (end - start), "turn at " + start + " mostly covered: " + overlap);
            labels.add(best);
        }
        return labels;
    }

    @Test
    void twoVoicesOfTheDialogueAreTwoSpeakersTurnByTurn() throws Exception {
        try (SileroVadModel model = SileroVadModel.loadBundled();
             VoiceActivityController vad = new VoiceActivityController(model, SR, VadConfig.defaults())) {
            List<SpeakerSegment> segments = stream(new BaselineDiarizer(BaselineDiarizer.Settings.defaults(8)),
                    dialogue, 1600, vad);
            List<Integer> labels = labelPerTurn(segments, 0);
            // m3, f2, m3, f2, m3
            assertEquals(labels.get(0), labels.get(2));
            assertEquals(labels.get(0), labels.get(4));
            assertEquals(labels.get(1), labels.get(3));
            assertTrue(!labels.get(0).equals(labels.get(1)), "the two voices differ: " + labels);
            assertTrue(segments.stream().mapToInt(SpeakerSegment::speaker).distinct().count() <= 3,
                    "no more speakers than the truth + 1");
        }
    }

    @Test
    void withoutVoiceActivityEventsItFindsSpeechByItself() {
        List<SpeakerSegment> segments = stream(new BaselineDiarizer(BaselineDiarizer.Settings.defaults(8)),
                dialogue, 512, null);
        List<Integer> labels = labelPerTurn(segments, 0);
        assertEquals(labels.get(0), labels.get(2));
        assertTrue(!labels.get(0).equals(labels.get(1)), "the two voices differ: " + labels);
    }

    @Test
    void oneVoiceIsNotSplitEarlyOn() throws Exception {
        // WhisperLiveKit's most reported fault: a single speaker shown as two or three in the first seconds
        for (String file : List.of("audio/jfk.wav", "audio/librispeech/6930-75918-0000.wav",
                "audio/librispeech/7902-96591-0000.wav")) {
            float[] speech = WavReader.read(SharedFixtures.file(file)).resampledTo(SR).samples();
            List<SpeakerSegment> segments = stream(new BaselineDiarizer(BaselineDiarizer.Settings.defaults(8)),
                    speech, 1600, null);
            assertTrue(!segments.isEmpty(), file + " has speech");
            assertEquals(1, segments.stream().mapToInt(SpeakerSegment::speaker).distinct().count(), file);
        }
    }

    @Test
    void maxSpeakersOneLabelsEveryoneTheSame() {
        List<SpeakerSegment> segments = stream(new BaselineDiarizer(BaselineDiarizer.Settings.defaults(1)),
                dialogue, 1600, null);
        assertEquals(1, segments.stream().mapToInt(SpeakerSegment::speaker).distinct().count());
    }

    @Test
    void tenMinutesOfTheLoopedDialogueKeepTwoStableSpeakers() {
        int loops = 600 * SR / dialogue.length + 1;
        float[] looped = new float[dialogue.length * loops];
        for (int i = 0; i < loops; i++) {
            System.arraycopy(dialogue, 0, looped, i * dialogue.length, dialogue.length);
        }
        List<SpeakerSegment> segments = stream(new BaselineDiarizer(BaselineDiarizer.Settings.defaults(8)),
                looped, 3200, null);
        long speakers = segments.stream().mapToInt(SpeakerSegment::speaker).distinct().count();
        assertTrue(speakers <= 3, "no more speakers than the truth + 1: " + speakers);
        // the last loop's turns still carry the first loop's labels
        double lastLoop = (loops - 1) * dialogue.length / (double) SR;
        assertEquals(labelPerTurn(segments, 0), labelPerTurn(segments, lastLoop));
    }

    @Test
    void silenceAndEmptyInputGiveNoSegmentsAndCoverageFollows() {
        BaselineDiarizer diarizer = new BaselineDiarizer(BaselineDiarizer.Settings.defaults(4));
        assertTrue(diarizer.accept(new float[0], 0, 0, List.of()).isEmpty());
        float[] second = new float[SR];
        // an hour of digital silence: nothing to say, and coverage keeps up with the audio
        for (int s = 0; s < 3600; s++) {
            assertTrue(diarizer.accept(second, 0, SR, List.of()).isEmpty());
        }
        assertTrue(diarizer.coverage() > 3600 - 1, "coverage " + diarizer.coverage());
        assertTrue(diarizer.finish().isEmpty());
        assertTrue(new BaselineDiarizer(BaselineDiarizer.Settings.defaults(2)).finish().isEmpty(), "no audio at all");
    }

    @Test
    void settingsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> BaselineDiarizer.Settings.defaults(0));
        assertThrows(IllegalArgumentException.class,
                () -> new BaselineDiarizer.Settings(2, 0.3, 0.5, 12, 1.1, 60, 20, 12, 12));
    }
}
