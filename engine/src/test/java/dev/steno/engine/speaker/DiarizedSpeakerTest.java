package dev.steno.engine.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.vad.VadEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiarizedSpeakerTest {
    /** A diarizer that returns scripted segments as the audio reaches their end plus a fixed look-ahead. */
    static final class ScriptedDiarizer implements Diarizer {
        final List<SpeakerSegment> script;
        final double lookAhead;
        double heard;
        int returned;
        boolean closed;

        ScriptedDiarizer(double lookAhead, SpeakerSegment... script) {
            this.script = List.of(script);
            this.lookAhead = lookAhead;
        }

        @Override
        public List<SpeakerSegment> accept(float[] samples16k, int offset, int length, List<VadEvent> vad) {
            heard += length / 16000.0;
            return due(coverage());
        }

        @Override
        public List<SpeakerSegment> finish() {
            heard = Double.POSITIVE_INFINITY;
            return due(Double.POSITIVE_INFINITY);
        }

        @Override
        public double coverage() {
            return Math.max(0, heard - lookAhead);
        }

        private List<SpeakerSegment> due(double upTo) {
            List<SpeakerSegment> out = new ArrayList<>();
            while (returned < script.size() && script.get(returned).end() <= upTo) {
                out.add(script.get(returned++));
            }
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static void hear(DiarizedSpeaker stage, double seconds) {
        stage.accept(new float[(int) Math.round(seconds * 16000)], 0, (int) Math.round(seconds * 16000), List.of());
    }

    private static List<Integer> speakers(List<SpokenWord> words) {
        return words.stream().map(SpokenWord::speaker).toList();
    }

    @Test
    void wordsTakeTheSpeakerOfLargestOverlapNumberedInOrderOfAppearance() {
        // the diarizer's labels 7 and 3: shown as speakers 1 and 2 in order of first speech
        DiarizedSpeaker stage = new DiarizedSpeaker(new ScriptedDiarizer(0,
                new SpeakerSegment(7, 0.0, 2.0), new SpeakerSegment(3, 2.0, 4.0), new SpeakerSegment(7, 4.0, 6.0)));
        hear(stage, 6);
        List<SpokenWord> out = stage.attribute(List.of(
                new Word(" one", 0.5, 1.0), new Word(" two", 1.8, 2.6), new Word(" three", 3.0, 3.5),
                new Word(" four", 3.9, 4.5)));
        // " two" overlaps 7 for 0.2 s and 3 for 0.6 s; " four" overlaps 3 for 0.1 s and 7 for 0.5 s
        assertEquals(List.of(1, 2, 2, 1), speakers(out));
    }

    @Test
    void punctuationKeepsThePreviousSpeakerAndZeroLengthWordsTakeTheContainingSegment() {
        DiarizedSpeaker stage = new DiarizedSpeaker(new ScriptedDiarizer(0,
                new SpeakerSegment(0, 0.0, 1.0), new SpeakerSegment(1, 1.0, 3.0)));
        hear(stage, 3);
        List<SpokenWord> out = stage.attribute(List.of(new Word(" yes", 0.2, 0.9), new Word(".", 1.5, 1.6),
                new Word(" no", 2.0, 2.0)));
        assertEquals(List.of(1, 1, 2), speakers(out));
    }

    @Test
    void aWordNoSegmentOverlapsTakesTheNearestWithinHalfASecondElseThePreviousSpeaker() {
        DiarizedSpeaker stage = new DiarizedSpeaker(new ScriptedDiarizer(0,
                new SpeakerSegment(0, 0.0, 1.0), new SpeakerSegment(1, 3.0, 4.0)));
        hear(stage, 6);
        List<SpokenWord> out = stage.attribute(List.of(new Word(" a", 0.2, 0.8), new Word(" b", 2.6, 2.8),
                new Word(" c", 1.6, 1.8)));
        // " b" ends 0.2 s before speaker 1's segment; " c" is 0.6 s from both: the previous word's speaker
        assertEquals(List.of(1, 2, 2), speakers(out));
    }

    @Test
    void wordsWaitUntilTheDiarizerHasDecidedTheirTimeAndComeOutInOrderOnce() {
        ScriptedDiarizer diarizer = new ScriptedDiarizer(1.0,
                new SpeakerSegment(0, 0.0, 1.5), new SpeakerSegment(1, 1.5, 3.0));
        DiarizedSpeaker stage = new DiarizedSpeaker(diarizer);
        hear(stage, 1.5);
        assertTrue(stage.attribute(List.of(new Word(" a", 0.1, 0.4))).isEmpty(), "coverage 0.5 s is before its end");
        assertEquals(0.5, stage.coverageSeconds(), 1e-9);
        hear(stage, 1.0);
        List<SpokenWord> first = stage.attribute(List.of(new Word(" b", 1.6, 2.0)));
        assertEquals(List.of(" a"), first.stream().map(w -> w.word().text()).toList(), "b waits: coverage 1.5 s");
        hear(stage, 2.0);
        List<SpokenWord> second = stage.attribute(List.of());
        assertEquals(List.of(" b"), second.stream().map(w -> w.word().text()).toList());
        assertEquals(List.of(2), speakers(second));
        assertTrue(stage.flush().isEmpty());
        assertEquals(Double.POSITIVE_INFINITY, stage.coverageSeconds());
        stage.close();
        assertTrue(diarizer.closed, "the stage owns and closes its diarizer");
    }

    @Test
    void flushReleasesEverythingEvenWithoutSegments() {
        DiarizedSpeaker stage = new DiarizedSpeaker(new ScriptedDiarizer(5.0));
        hear(stage, 2);
        assertTrue(stage.attribute(List.of(new Word(" hello", 0.5, 1.0))).isEmpty());
        List<SpokenWord> out = stage.flush();
        assertEquals(1, out.size());
        assertEquals(1, out.get(0).speaker(), "nobody was heard: the first speaker");
    }

    @Test
    void aReleasedWordsSpeakerNeverChangesAndMemoryStaysBounded() {
        // ten thousand alternating turns of one second; words arrive as each turn is decided
        int turns = 10_000;
        SpeakerSegment[] script = new SpeakerSegment[turns];
        for (int i = 0; i < turns; i++) {
            script[i] = new SpeakerSegment(i % 2, i, i + 1);
        }
        DiarizedSpeaker stage = new DiarizedSpeaker(new ScriptedDiarizer(0, script));
        List<SpokenWord> all = new ArrayList<>();
        for (int i = 0; i < turns; i++) {
            hear(stage, 1);
            all.addAll(stage.attribute(List.of(new Word(" w" + i, i + 0.2, i + 0.8))));
        }
        all.addAll(stage.flush());
        assertEquals(turns, all.size());
        for (int i = 0; i < turns; i++) {
            assertEquals(i % 2 + 1, all.get(i).speaker(), "word " + i);
        }
        assertTrue(stage.retainedSegments() <= 4, "segments kept: " + stage.retainedSegments());
    }
}
