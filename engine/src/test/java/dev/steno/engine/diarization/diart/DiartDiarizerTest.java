package dev.steno.engine.diarization.diart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.diarization.diart.SyntheticDiart.Turn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiartDiarizerTest {
    private static final double STEP = 0.5;
    private static final double[] L = SyntheticDiart.LOW;
    private static final double[] H = SyntheticDiart.HIGH;

    @TempDir
    static Path dir;
    private static SegmentationModel segmentation;
    private static EmbeddingModel embedding;

    @BeforeAll
    static void loadModels() throws IOException {
        segmentation = SegmentationModel.load(SyntheticDiart.segmentation(dir.resolve("seg.onnx")));
        embedding = EmbeddingModel.load(SyntheticDiart.embedding(dir.resolve("emb.onnx")));
    }

    @AfterAll
    static void closeModels() {
        segmentation.close();
        embedding.close();
    }

    private static DiartDiarizer diarizer(DiartConfig config) {
        return new DiartDiarizer(segmentation, embedding, config);
    }

    /** Feeds {@code audio} in chunks of {@code chunk} samples, checking the append-only contract on every call. */
    private static List<SpeakerSegment> run(Diarizer d, float[] audio, int chunk) {
        List<SpeakerSegment> all = new ArrayList<>();
        double coverage = d.coverage();
        for (int off = 0; off < audio.length; off += chunk) {
            int n = Math.min(chunk, audio.length - off);
            List<SpeakerSegment> got = d.accept(audio, off, n, List.of());
            checkAppendOnly(got, coverage, d.coverage());
            assertTrue(d.coverage() >= coverage && d.coverage() <= (off + n) / 16000.0 + 1e-9,
                    "coverage " + d.coverage() + " after " + (off + n) + " samples");
            coverage = d.coverage();
            all.addAll(got);
        }
        List<SpeakerSegment> last = d.finish();
        checkAppendOnly(last, coverage, d.coverage());
        all.addAll(last);
        assertEquals(audio.length / 16000.0, d.coverage(), 1e-9);
        return all;
    }

    private static void checkAppendOnly(List<SpeakerSegment> got, double before, double after) {
        double lastStart = -1;
        for (SpeakerSegment s : got) {
            assertTrue(s.start() >= before - 1e-9, s + " starts before the coverage " + before);
            assertTrue(s.end() <= after + 1e-9, s + " ends after the coverage " + after);
            assertTrue(s.start() >= lastStart, "segments out of order: " + got);
            lastStart = s.start();
        }
    }

    /** Per speaker label, its segments with touching ones (cut at step boundaries) joined. */
    private static Map<Integer, List<double[]>> runs(List<SpeakerSegment> segments) {
        Map<Integer, List<double[]>> out = new HashMap<>();
        for (SpeakerSegment s : segments) {
            List<double[]> list = out.computeIfAbsent(s.speaker(), k -> new ArrayList<>());
            double[] prev = list.isEmpty() ? null : list.get(list.size() - 1);
            if (prev != null && s.start() - prev[1] < 1e-6) {
                prev[1] = s.end();
            } else {
                list.add(new double[] {s.start(), s.end()});
            }
        }
        return out;
    }

    /**
     * Asserts that each voice's turns are one speaker's runs, start and end within a step, and that the two voices
     * got different speakers.
     */
    private static void assertTurns(List<SpeakerSegment> segments, Turn... script) {
        Map<Integer, List<double[]>> runs = runs(segments);
        assertEquals(2, runs.size(), "speakers: " + runs.keySet() + " in " + segments);
        Map<double[], Integer> labelOf = new HashMap<>();
        double t = 0;
        for (Turn turn : script) {
            double start = t;
            double end = t + turn.seconds();
            t = end;
            if (turn.voice() == null) {
                for (List<double[]> list : runs.values()) {
                    for (double[] r : list) {
                        double overlap = Math.min(r[1], end) - Math.max(r[0], start);
                        assertTrue(overlap <= STEP, "speech in the silence " + start + ".." + end);
                    }
                }
                continue;
            }
            int match = -1;
            for (Map.Entry<Integer, List<double[]>> e : runs.entrySet()) {
                for (double[] r : e.getValue()) {
                    if (Math.abs(r[0] - start) <= STEP && Math.abs(r[1] - end) <= STEP) {
                        match = e.getKey();
                    }
                }
            }
            assertTrue(match >= 0, "no speaker run matches the turn " + start + ".." + end + " within a step: "
                    + describe(runs));
            Integer before = labelOf.putIfAbsent(turn.voice(), match);
            assertEquals(before == null ? match : before, match, "a voice changed speaker at " + start);
        }
        assertNotEquals(labelOf.get(L), labelOf.get(H));
    }

    private static String describe(Map<Integer, List<double[]>> runs) {
        StringBuilder sb = new StringBuilder();
        runs.forEach((k, v) -> {
            sb.append(k).append(':');
            v.forEach(r -> sb.append(String.format(" %.2f-%.2f", r[0], r[1])));
            sb.append("; ");
        });
        return sb.toString();
    }

    private static final Turn[] DIALOGUE = {
        new Turn(L, 3), new Turn(H, 3), new Turn(L, 2.5), new Turn(null, 1.5), new Turn(H, 3.2), new Turn(L, 2.3),
    };

    @Test
    void twoAlternatingVoicesBecomeTwoStableSpeakersWithTurnsRightWithinAStep() {
        float[] audio = SyntheticDiart.render(DIALOGUE);
        List<SpeakerSegment> segments = run(diarizer(DiartConfig.defaults()), audio, 1234);
        assertTurns(segments, DIALOGUE);
    }

    @Test
    void aLongerLatencyAggregatesOverlappingWindowsAndStillFindsTheTurns() {
        float[] audio = SyntheticDiart.render(DIALOGUE);
        DiartDiarizer d = diarizer(DiartConfig.defaults().withLatency(2.0));
        d.accept(audio, 0, 8 * 16000, List.of());
        // 8 s heard: windows ending at 5..8 s, the newest decided step ends 1.5 s behind
        assertEquals(6.5, d.coverage(), 1e-9);
        DiartDiarizer fresh = diarizer(DiartConfig.defaults().withLatency(2.0));
        assertTurns(run(fresh, audio, 4000), DIALOGUE);
    }

    @Test
    void theFirstWindowIsWarmUpThenEachStepDecidesOneStep() {
        float[] audio = SyntheticDiart.render(DIALOGUE);
        DiartDiarizer d = diarizer(DiartConfig.defaults());
        assertTrue(d.accept(audio, 0, 5 * 16000 - 1, List.of()).isEmpty());
        assertEquals(0, d.coverage());
        List<SpeakerSegment> first = d.accept(audio, 5 * 16000 - 1, 1, List.of());
        assertEquals(5.0, d.coverage(), 1e-9);
        assertEquals(Set.of(0, 1), labels(first), "the warm-up window decides 0..5 s with both voices");
        d.accept(audio, 5 * 16000, 7999, List.of());
        assertEquals(5.0, d.coverage(), 1e-9);
        d.accept(audio, 5 * 16000 + 7999, 1, List.of());
        assertEquals(5.5, d.coverage(), 1e-9);
    }

    private static int speakerAt(List<SpeakerSegment> segments, double t) {
        return segments.stream().filter(s -> s.start() <= t && t < s.end()).mapToInt(SpeakerSegment::speaker)
                .findFirst().orElseThrow(() -> new AssertionError("nobody speaks at " + t));
    }

    private static Set<Integer> labels(List<SpeakerSegment> segments) {
        Set<Integer> s = new TreeSet<>();
        segments.forEach(seg -> s.add(seg.speaker()));
        return s;
    }

    @Test
    void howTheAudioIsChunkedDoesNotChangeTheResult() {
        float[] audio = SyntheticDiart.render(DIALOGUE);
        List<SpeakerSegment> whole = run(diarizer(DiartConfig.defaults()), audio, audio.length);
        List<SpeakerSegment> pieces = run(diarizer(DiartConfig.defaults()), audio, 777);
        assertEquals(whole, pieces);
    }

    @Test
    void zeroLengthAudioDecidesNothingAndFinishes() {
        DiartDiarizer d = diarizer(DiartConfig.defaults());
        assertTrue(d.accept(new float[0], 0, 0, List.of()).isEmpty());
        assertTrue(d.finish().isEmpty());
        assertEquals(0, d.coverage());
        assertTrue(d.finish().isEmpty());
        assertThrows(IllegalStateException.class, () -> d.accept(new float[10], 0, 10, List.of()));
    }

    @Test
    void aLongSilenceHasNoSpeakersAndIsDecided() {
        float[] silence = new float[90 * 16000];
        DiartDiarizer d = diarizer(DiartConfig.defaults());
        assertTrue(run(d, silence, 16000).isEmpty());
        assertEquals(90, d.coverage(), 1e-9);
    }

    @Test
    void aStreamShorterThanAWindowIsDecidedOnFinish() {
        float[] audio = SyntheticDiart.render(new Turn(null, 0.5), new Turn(L, 1.7));
        DiartDiarizer d = diarizer(DiartConfig.defaults());
        assertTrue(d.accept(audio, 0, audio.length, List.of()).isEmpty());
        assertEquals(0, d.coverage());
        List<SpeakerSegment> segments = d.finish();
        assertEquals(2.2, d.coverage(), 1e-9);
        Map<Integer, List<double[]>> runs = runs(segments);
        assertEquals(1, runs.size(), segments.toString());
        double[] r = runs.values().iterator().next().get(0);
        assertEquals(0.5, r[0], STEP);
        assertEquals(2.2, r[1], 1e-9);
    }

    @Test
    void speakersStayTwoOverMinutesOfConversation() {
        List<Turn> script = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            script.add(new Turn(i % 2 == 0 ? L : H, 2 + (i % 3)));
        }
        float[] audio = SyntheticDiart.render(script.toArray(Turn[]::new));
        List<SpeakerSegment> segments = run(diarizer(DiartConfig.defaults()), audio, 16000);
        assertEquals(Set.of(0, 1), labels(segments));
        // the last turn (high voice, from 3:43) carries the label the high voice got in its first turn (2-5 s)
        assertEquals(speakerAt(segments, 3.5), speakerAt(segments, audio.length / 16000.0 - 1));
        assertNotEquals(speakerAt(segments, 3.5), speakerAt(segments, 1.0));
    }

    @Test
    void theFactoryIsNamedDiartAndSharesItsModels() throws IOException {
        try (DiarizerFactory f = DiartDiarizer.open(dir.resolve("seg.onnx"), dir.resolve("emb.onnx"), 0.6, 0.3, 1.0,
                20)) {
            assertEquals("diart", f.name());
            float[] audio = SyntheticDiart.render(DIALOGUE);
            assertTurns(run(f.newDiarizer(), audio, 8000), DIALOGUE);
            assertTurns(run(f.newDiarizer(), audio, 3000), DIALOGUE);
        }
        Path text = Files.writeString(dir.resolve("readme.onnx"), "not a model");
        IOException e = assertThrows(IOException.class, () -> DiartDiarizer.open(dir.resolve("seg.onnx"), text, 0.6,
                0.3, 1.0, 20));
        assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
    }
}
