package dev.steno.engine.diarization.sortformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.SpeakerSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SortformerDiarizerTest {
    private static final int RATE = 16000;

    @TempDir
    Path dir;

    /** Harmonic tone: {@code f0·k} for the given harmonics, 0.1 each. */
    private static void tone(float[] audio, double from, double to, double f0, int firstHarmonic, int lastHarmonic) {
        for (int i = (int) (from * RATE); i < (int) (to * RATE); i++) {
            double t = (double) i / RATE;
            double v = 0;
            for (int k = firstHarmonic; k <= lastHarmonic; k++) {
                v += 0.1 * Math.sin(2 * Math.PI * f0 * k * t);
            }
            audio[i] = (float) v;
        }
    }

    /** A low voice (140 Hz, harmonics to 840 Hz) and a high one (600 Hz harmonics 4-8: 2.4-4.8 kHz). */
    private static float[] dialogue(double[][] turns, double seconds) {
        float[] audio = new float[(int) (seconds * RATE)];
        for (double[] turn : turns) {
            if (turn[0] == 0) {
                tone(audio, turn[1], turn[2], 140, 1, 6);
            } else {
                tone(audio, turn[1], turn[2], 600, 4, 8);
            }
        }
        return audio;
    }

    private static final double[][] TURNS = {{0, 0.0, 2.0}, {1, 2.5, 4.5}, {0, 5.0, 7.0}, {1, 7.4, 8.0}};

    /** Feeds audio in random pieces, checking the contract after every call; returns all segments. */
    static List<SpeakerSegment> run(Diarizer d, float[] audio, long seed, double latency) {
        Random rnd = new Random(seed);
        List<SpeakerSegment> all = new ArrayList<>();
        double coverage = 0;
        int pos = 0;
        while (pos < audio.length) {
            int n = Math.min(1 + rnd.nextInt(6000), audio.length - pos);
            List<SpeakerSegment> got = d.accept(audio, pos, n, List.of());
            pos += n;
            coverage = checkContract(got, coverage, d.coverage());
            double heard = (double) pos / RATE;
            assertTrue(d.coverage() <= heard, "coverage " + d.coverage() + " past the audio " + heard);
            // decisions trail the audio by the preset's latency, the window and the post-processing's lookahead
            assertTrue(d.coverage() >= heard - latency - 0.45, "coverage " + d.coverage() + " at " + heard);
            all.addAll(got);
        }
        List<SpeakerSegment> last = d.finish();
        checkContract(last, coverage, d.coverage());
        all.addAll(last);
        assertEquals((double) audio.length / RATE, d.coverage(), 1e-9);
        assertEquals(List.of(), d.finish(), "finish twice returns nothing more");
        return all;
    }

    private static double checkContract(List<SpeakerSegment> got, double before, double after) {
        assertTrue(after >= before, "coverage went back from " + before + " to " + after);
        double prevStart = -1;
        for (SpeakerSegment s : got) {
            assertTrue(s.start() >= before - 1e-9, s + " starts before the coverage " + before);
            assertTrue(s.start() >= prevStart, "segments in order of start");
            prevStart = s.start();
        }
        return after;
    }

    /** Joins touching pieces of one speaker, as the speaker stage does; per speaker, in order. */
    static List<double[]> joined(List<SpeakerSegment> segs, int speaker) {
        List<double[]> out = new ArrayList<>();
        for (SpeakerSegment s : segs) {
            if (s.speaker() != speaker) {
                continue;
            }
            if (!out.isEmpty() && Math.abs(out.get(out.size() - 1)[1] - s.start()) < 1e-9) {
                out.get(out.size() - 1)[1] = s.end();
            } else {
                out.add(new double[] {s.start(), s.end()});
            }
        }
        return out;
    }

    private static void assertTurns(List<SpeakerSegment> segs, int speaker, double... startEnd) {
        List<double[]> got = joined(segs, speaker);
        assertEquals(startEnd.length / 2, got.size(), "segments of speaker " + speaker + ": " + describe(got));
        for (int i = 0; i < got.size(); i++) {
            // 80 ms frames, the 25 ms window and pad_onset 0.063 blur each edge by less than 0.15 s
            assertEquals(startEnd[2 * i], got.get(i)[0], 0.15, "start " + i + " of speaker " + speaker);
            assertEquals(startEnd[2 * i + 1], got.get(i)[1], 0.15, "end " + i + " of speaker " + speaker);
        }
    }

    private static String describe(List<double[]> segs) {
        StringBuilder b = new StringBuilder();
        for (double[] s : segs) {
            b.append(String.format("[%.3f, %.3f] ", s[0], s[1]));
        }
        return b.toString();
    }

    @Test
    void twoAlternatingVoicesBecomeTwoSpeakersWithTheirTurnTimes() throws IOException {
        float[] audio = dialogue(TURNS, 8.5);
        Path model = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        for (String preset : List.of("low", "wlk")) {
            try (DiarizerFactory f = SortformerDiarizer.open(model, preset, 4)) {
                assertEquals("sortformer", f.name());
                List<SpeakerSegment> segs = run(f.newDiarizer(), audio, 1, SortformerPreset.byName(preset)
                        .latencySeconds());
                assertTurns(segs, 0, 0.0, 2.0, 5.0, 7.0);
                assertTurns(segs, 1, 2.5, 4.5, 7.4, 8.0);
                assertTurns(segs, 2);
                assertTurns(segs, 3);
            }
        }
    }

    @Test
    void staticExportGivesTheSameSegmentsAsDynamic() throws IOException {
        float[] audio = dialogue(TURNS, 8.5);
        Path dynamic = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        Path fixed = SyntheticSortformer.write(dir.resolve("s.onnx"), 112, 188, 188, Map.of());
        List<SpeakerSegment> a;
        List<SpeakerSegment> b;
        try (DiarizerFactory f = SortformerDiarizer.open(dynamic, "low", 4)) {
            a = run(f.newDiarizer(), audio, 2, 1.04);
        }
        try (DiarizerFactory f = SortformerDiarizer.open(fixed, "low", 4)) {
            b = run(f.newDiarizer(), audio, 3, 1.04);
        }
        assertTrue(joined(a, 0).size() == 2 && joined(a, 1).size() == 2);
        for (int s = 0; s < 2; s++) {
            List<double[]> x = joined(a, s);
            List<double[]> y = joined(b, s);
            assertEquals(x.size(), y.size());
            for (int i = 0; i < x.size(); i++) {
                assertEquals(x.get(i)[0], y.get(i)[0], 1e-9);
                assertEquals(x.get(i)[1], y.get(i)[1], 1e-9);
            }
        }
        // and a static export made for another preset is refused with the preset that fits
        Path veryHigh = SyntheticSortformer.write(dir.resolve("vh.onnx"), 3048, 188, 40, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SortformerDiarizer.open(veryHigh, "low", 4));
        assertTrue(e.getMessage().contains("presets that fit: very-high"), e.getMessage());
    }

    @Test
    void theFirstStepWaitsForItsLookaheadAndStateGrowsByTheChunk() throws IOException {
        Path model = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        try (DiarizerFactory f = SortformerDiarizer.open(model, "low", 4)) {
            SortformerDiarizer d = (SortformerDiarizer) f.newDiarizer();
            float[] silence = new float[RATE * 20];
            // low: the first step needs mel frames 0..103 (chunk 48 + lookahead 56): samples up to 103·160 + 199
            d.accept(silence, 0, 103 * 160 + 199, List.of());
            assertEquals(0, d.coverage());
            assertEquals(0, d.state().fifoLength());
            d.accept(silence, 0, 1, List.of());
            assertEquals(6 * 0.08 - 0.063, d.coverage(), 1e-9, "6 frames decided, less the onset padding");
            assertEquals(6, d.state().fifoLength());
            // 31 more steps: 192 frames in all; at 192 > 188 the FIFO spilled its oldest 144 (the update period)
            d.accept(silence, 0, 31 * 48 * 160, List.of());
            assertEquals(192 - 144, d.state().fifoLength());
            assertEquals(144, d.state().cache().length());
            assertEquals(144, d.state().silenceFrames());
        }
    }

    @Test
    void keepsOnlyTheFirstChannelsAndChecksTheCount() throws IOException {
        float[] audio = dialogue(TURNS, 8.5);
        Path model = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        try (DiarizerFactory f = SortformerDiarizer.open(model, "low", 1)) {
            List<SpeakerSegment> segs = run(f.newDiarizer(), audio, 4, 1.04);
            assertTurns(segs, 0, 0.0, 2.0, 5.0, 7.0);
            assertTurns(segs, 1);
        }
        for (int bad : new int[] {0, 5}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SortformerDiarizer.open(model, "low", bad));
            assertTrue(e.getMessage().contains("1..4"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SortformerDiarizer.open(model, "fast", 4));
        assertTrue(e.getMessage().contains("low, wlk, high, very-high"), e.getMessage());
    }

    @Test
    void zeroLengthAudioDecidesNothingAndEndsAtZero() throws IOException {
        Path model = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        try (DiarizerFactory f = SortformerDiarizer.open(model, "low", 4)) {
            Diarizer d = f.newDiarizer();
            assertEquals(List.of(), d.accept(new float[0], 0, 0, List.of()));
            assertEquals(List.of(), d.finish());
            assertEquals(0, d.coverage());
            assertThrows(IllegalStateException.class, () -> d.accept(new float[1], 0, 1, List.of()));
            // a stream shorter than one mel hop, with a voice
            Diarizer shortOne = f.newDiarizer();
            float[] blip = dialogue(new double[][] {{0, 0, 0.005}}, 0.005);
            shortOne.accept(blip, 0, blip.length, List.of());
            assertEquals(List.of(), shortOne.finish());
            assertEquals(0.005, shortOne.coverage(), 1e-9);
        }
    }

    @Test
    void aShortStreamIsDecidedToItsEndInFinish() throws IOException {
        Path model = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        float[] audio = dialogue(new double[][] {{1, 0.1, 0.6}}, 0.7);
        try (DiarizerFactory f = SortformerDiarizer.open(model, "high", 4)) {
            Diarizer d = f.newDiarizer();
            // high: a chunk of 124 frames (9.9 s) never fills; everything is decided at the end
            assertEquals(List.of(), d.accept(audio, 0, audio.length, List.of()));
            assertEquals(0, d.coverage());
            List<SpeakerSegment> segs = d.finish();
            assertTurns(segs, 1, 0.1, 0.6);
            for (SpeakerSegment s : segs) {
                assertTrue(s.end() <= 0.7);
            }
        }
    }

    @Test
    void tenMinutesOfSilenceKeepTheStateBounded() throws IOException {
        Path model = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        try (DiarizerFactory f = SortformerDiarizer.open(model, "low", 4)) {
            SortformerDiarizer d = (SortformerDiarizer) f.newDiarizer();
            float[] second = new float[RATE];
            int maxCache = 0;
            int maxFifo = 0;
            for (int s = 0; s < 600; s++) {
                assertEquals(List.of(), d.accept(second, 0, RATE, List.of()));
                maxCache = Math.max(maxCache, d.state().cache().length());
                maxFifo = Math.max(maxFifo, d.state().fifoLength());
            }
            assertEquals(188, maxCache);
            assertTrue(maxFifo <= 188, "FIFO " + maxFifo);
            assertTrue(d.coverage() > 600 - 1.04 - 0.2, "coverage " + d.coverage());
            assertEquals(List.of(), d.finish());
            assertEquals(600, d.coverage(), 1e-9);
            // every frame that left the FIFO was silence
            assertTrue(d.state().silenceFrames() > 7000, "silence frames " + d.state().silenceFrames());
        }
    }

    @Test
    void streamsShareTheModelAcrossThreads() throws Exception {
        float[] audio = dialogue(TURNS, 8.5);
        Path model = SyntheticSortformer.dynamic(dir.resolve("d.onnx"));
        try (DiarizerFactory f = SortformerDiarizer.open(model, "low", 4)) {
            List<SpeakerSegment> alone = run(f.newDiarizer(), audio, 9, 1.04);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<List<SpeakerSegment>>> results = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long seed = 10 + i;
                    results.add(pool.submit(() -> run(f.newDiarizer(), audio, seed, 1.04)));
                }
                for (Future<List<SpeakerSegment>> r : results) {
                    List<SpeakerSegment> got = r.get();
                    for (int s = 0; s < 4; s++) {
                        List<double[]> x = joined(alone, s);
                        List<double[]> y = joined(got, s);
                        assertEquals(x.size(), y.size());
                        for (int i = 0; i < x.size(); i++) {
                            assertEquals(x.get(i)[0], y.get(i)[0], 1e-9);
                            assertEquals(x.get(i)[1], y.get(i)[1], 1e-9);
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
