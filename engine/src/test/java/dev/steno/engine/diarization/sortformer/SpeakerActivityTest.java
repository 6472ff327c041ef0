package dev.steno.engine.diarization.sortformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.SpeakerSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeakerActivityTest {
    private static final PostProcessing PP = PostProcessing.DIHARD3;

    /** NeMo's batch post-processing written out over the whole sequence (binarization, merge, filtering). */
    static List<double[]> nemo(float[] probs, PostProcessing pp) {
        int n = probs.length * 8;
        List<double[]> segs = new ArrayList<>();
        boolean speech = false;
        double start = 0;
        for (int i = 0; i < n; i++) {
            float p = probs[i / 8];
            if (speech) {
                if (p < pp.offset()) {
                    if (i * 0.01 + pp.padOffset() > Math.max(0, start - pp.padOnset())) {
                        segs.add(new double[] {Math.max(0, start - pp.padOnset()), i * 0.01 + pp.padOffset()});
                    }
                    start = i * 0.01;
                    speech = false;
                }
            } else if (p > pp.onset()) {
                start = i * 0.01;
                speech = true;
            }
        }
        if (speech) {
            segs.add(new double[] {Math.max(0, start - pp.padOnset()), (n - 1) * 0.01 + pp.padOffset()});
        }
        segs = merge(segs);
        segs.removeIf(s -> s[1] - s[0] < pp.minDurationOn());
        List<double[]> all = new ArrayList<>(segs);
        for (int i = 0; i + 1 < segs.size(); i++) {
            double gapStart = segs.get(i)[1];
            double gapEnd = segs.get(i + 1)[0];
            if (gapEnd - gapStart < pp.minDurationOff()) {
                all.add(new double[] {gapStart, gapEnd});
            }
        }
        all.sort((a, b) -> Double.compare(a[0], b[0]));
        return merge(all);
    }

    private static List<double[]> merge(List<double[]> segs) {
        List<double[]> out = new ArrayList<>();
        for (double[] s : segs) {
            if (!out.isEmpty() && out.get(out.size() - 1)[1] >= s[0]) {
                double[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], s[1]);
            } else {
                out.add(s.clone());
            }
        }
        return out;
    }

    /** Feeds frames one at a time, emitting after each {@code every} frames; checks the append-only contract. */
    static List<double[]> streamed(float[] probs, int every, double end) {
        SpeakerActivity a = new SpeakerActivity(2, PP);
        if (end < probs.length * 0.08) {
            // as the diarizer does before it feeds the frames that reach past the end of the audio
            a.limit(end);
        }
        List<SpeakerSegment> all = new ArrayList<>();
        double decided = 0;
        for (int f = 0; f < probs.length; f++) {
            List<SpeakerSegment> out = new ArrayList<>();
            a.frame(probs[f], out);
            if ((f + 1) % every == 0) {
                a.emit(out);
            }
            for (SpeakerSegment s : out) {
                assertTrue(s.start() >= decided - 1e-12, s + " starts before the decided " + decided);
                assertEquals(2, s.speaker());
            }
            all.addAll(out);
            assertTrue(a.decided() >= decided);
            decided = a.decided();
            assertTrue(decided <= (f + 1) * 0.08, "decided " + decided + " after " + (f + 1) + " frames");
        }
        List<SpeakerSegment> out = new ArrayList<>();
        a.finish(end, out);
        for (SpeakerSegment s : out) {
            assertTrue(s.start() >= decided - 1e-12, s + " starts before the decided " + decided);
            assertTrue(s.end() <= end);
        }
        all.addAll(out);
        assertEquals(end, a.decided(), 1e-12);
        List<double[]> joined = new ArrayList<>();
        for (SpeakerSegment s : all) {
            if (!joined.isEmpty() && joined.get(joined.size() - 1)[1] == s.start()) {
                joined.get(joined.size() - 1)[1] = s.end();
            } else {
                assertTrue(joined.isEmpty() || joined.get(joined.size() - 1)[1] < s.start(), "pieces in order");
                joined.add(new double[] {s.start(), s.end()});
            }
        }
        return joined;
    }

    private static void assertSegments(List<double[]> want, List<double[]> got) {
        assertEquals(want.size(), got.size(), () -> describe(want) + " vs " + describe(got));
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i)[0], got.get(i)[0], 1e-9, "start of " + i);
            assertEquals(want.get(i)[1], got.get(i)[1], 1e-9, "end of " + i);
        }
    }

    private static String describe(List<double[]> segs) {
        StringBuilder b = new StringBuilder();
        for (double[] s : segs) {
            b.append(String.format("[%.3f, %.3f] ", s[0], s[1]));
        }
        return b.toString();
    }

    private static float[] runs(int... lengthsAndOnOff) {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i < lengthsAndOnOff.length; i += 2) {
            for (int k = 0; k < lengthsAndOnOff[i]; k++) {
                out.add(lengthsAndOnOff[i + 1] == 1 ? 0.9f : 0.1f);
            }
        }
        float[] p = new float[out.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = out.get(i);
        }
        return p;
    }

    @Test
    void aGapOfTwoFramesIsFilledAndOfThreeIsNot() {
        // speech in frames 5-14 and 17-26: the pieces span 0.40 - 0.063 .. 1.19 + 0.002 and 1.36 - 0.063 .. 2.15 +
        // 0.002; the gap of 0.105 s is below min_duration_off
        float[] twoGap = runs(5, 0, 10, 1, 2, 0, 10, 1, 5, 0);
        List<double[]> want = List.of(new double[] {0.337, 2.152});
        assertSegments(want, nemo(twoGap, PP));
        assertSegments(want, streamed(twoGap, 1, twoGap.length * 0.08));
        float[] threeGap = runs(5, 0, 10, 1, 3, 0, 10, 1, 5, 0);
        List<double[]> split = List.of(new double[] {0.337, 1.192}, new double[] {1.377, 2.232});
        assertSegments(split, nemo(threeGap, PP));
        assertSegments(split, streamed(threeGap, 1, threeGap.length * 0.08));
    }

    @Test
    void aFinishedTurnIsDecidedOnceTheGapIsLongEnough() {
        SpeakerActivity a = new SpeakerActivity(0, PP);
        List<SpeakerSegment> out = new ArrayList<>();
        float[] p = runs(5, 0, 10, 1, 3, 0);
        for (int f = 0; f < 17; f++) {
            a.frame(p[f], out);
        }
        a.emit(out);
        // after 17 frames (1.36 s) a new segment could still start at 1.36 - 0.063 = 1.297, 0.105 s after the end
        assertEquals(1, out.size());
        assertEquals(new SpeakerSegment(0, 0.337, 1.192).start(), out.get(0).start(), 1e-9);
        assertEquals(1.192, out.get(0).end(), 1e-9);
        assertEquals(1.192, a.decided(), 1e-9, "decided only to the end of the turn");
        a.frame(p[17], out);
        a.emit(out);
        assertEquals(1, out.size(), "the certain part was already returned");
        assertEquals(1.44 - 0.063, a.decided(), 1e-9, "after 18 frames the gap is certain");
    }

    @Test
    void longSpeechIsReturnedInPiecesAsItIsDecided() {
        SpeakerActivity a = new SpeakerActivity(1, PP);
        List<SpeakerSegment> out = new ArrayList<>();
        for (int f = 0; f < 100; f++) {
            a.frame(0.95f, out);
            if (f % 6 == 5) {
                a.emit(out);
            }
        }
        assertEquals(16, out.size(), "one piece per emit");
        assertEquals(0, out.get(0).start(), 1e-12);
        for (int i = 1; i < out.size(); i++) {
            assertEquals(out.get(i - 1).end(), out.get(i).start(), "pieces touch");
        }
        assertTrue(a.decided() > 96 * 0.08 - 0.08 && a.decided() < 96 * 0.08, "decided " + a.decided());
    }

    @Test
    void streamingEqualsTheBatchResultOnRandomSequences() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(200);
            float[] p = new float[n];
            boolean on = rnd.nextBoolean();
            for (int f = 0; f < n; f++) {
                if (rnd.nextDouble() < 0.2) {
                    on = !on;
                }
                double r = rnd.nextDouble();
                // mostly clear values; some at the thresholds and saturated sigmoids (1.0 never ends speech)
                p[f] = on ? (r < 0.1 ? 1.0f : r < 0.2 ? 0.56f : 0.8f) : (r < 0.1 ? 0.57f : 0.05f);
            }
            int every = 1 + rnd.nextInt(10);
            assertSegments(nemo(p, PP), streamed(p, every, n * 0.08));
        }
    }

    @Test
    void theEndOfTheAudioClipsTheLastSegment() {
        float[] p = runs(3, 0, 4, 1);
        // NeMo would end the open segment at (56 - 1)·0.01 + 0.002 = 0.552; the audio ends at 0.5
        List<double[]> got = streamed(p, 1, 0.5);
        assertSegments(List.of(new double[] {0.24 - 0.063, 0.5}), got);
        assertTrue(streamed(runs(7, 0, 1, 1), 1, 0.45).isEmpty(), "speech starting after the end is dropped");
    }
}
