package dev.steno.engine.diarization.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tiny cases worked out by hand (the md-eval agreement on larger ones is {@link MdEvalAgreementTest}). */
class DiarizationScorerTest {
    private static final double EPS = 1e-9;
    private static final DiarizationScorer NO_COLLAR = DiarizationScorer.withCollar(0);

    /** Turns of recording "f" written as speaker, start, end triples. */
    private static List<RttmTurn> turns(Object... speakerStartEnd) {
        List<RttmTurn> list = new ArrayList<>();
        for (int i = 0; i < speakerStartEnd.length; i += 3) {
            double start = ((Number) speakerStartEnd[i + 1]).doubleValue();
            double end = ((Number) speakerStartEnd[i + 2]).doubleValue();
            list.add(new RttmTurn("f", start, end - start, (String) speakerStartEnd[i]));
        }
        return list;
    }

    private static void assertScore(double scored, double missed, double falseAlarm, double confusion,
                                    DiarizationScore s) {
        assertEquals(scored, s.scored(), EPS, "scored");
        assertEquals(missed, s.missed(), EPS, "missed");
        assertEquals(falseAlarm, s.falseAlarm(), EPS, "false alarm");
        assertEquals(confusion, s.confusion(), EPS, "confusion");
    }

    @Test
    void aPerfectSystemScoresZeroWhateverItsLabels() {
        List<RttmTurn> ref = turns("A", 0, 2, "B", 2, 5, "A", 6, 7);
        DiarizationScore s = NO_COLLAR.score(ref, turns("x", 0, 2, "y", 2, 5, "x", 6, 7), null);
        assertScore(6, 0, 0, 0, s);
        assertEquals(0, s.der(), EPS);
        assertEquals(2, s.referenceSpeakers());
        assertEquals(2, s.systemSpeakers());
    }

    @Test
    void swappedLabelsAreMappedBackAndCostNothing() {
        DiarizationScore s = NO_COLLAR.score(turns("A", 0, 2, "B", 2, 4), turns("B", 0, 2, "A", 2, 4), null);
        assertScore(4, 0, 0, 0, s);
    }

    @Test
    void oneSpeakerOnATwoSpeakerReferenceConfusesTheShorterOne() {
        DiarizationScore s = NO_COLLAR.score(turns("A", 0, 4, "B", 4, 6), turns("x", 0, 6), null);
        assertScore(6, 0, 0, 2, s);
        assertEquals(1.0 / 3, s.der(), EPS);
        assertEquals(1.0 / 3, s.confusionRate(), EPS);
        assertEquals(0, s.missedRate(), EPS);
    }

    @Test
    void speechInReferenceSilenceIsAFalseAlarm() {
        DiarizationScore s = NO_COLLAR.score(turns("A", 0, 2, "A", 4, 6), turns("x", 0, 2, "x", 3, 3.5, "x", 4, 6),
                null);
        assertScore(4, 0, 0.5, 0, s);
        assertEquals(0.125, s.falseAlarmRate(), EPS);
    }

    @Test
    void overlappedReferenceSpeechWithOneSystemSpeakerIsMissedUnlessOverlapIsIgnored() {
        List<RttmTurn> ref = turns("A", 0, 4, "B", 2, 3);
        List<RttmTurn> sys = turns("x", 0, 4);
        assertScore(5, 1, 0, 0, NO_COLLAR.score(ref, sys, null));
        assertScore(3, 0, 0, 0, NO_COLLAR.ignoringOverlap().score(ref, sys, null));
    }

    @Test
    void theCollarForgivesALateTurnChangeOnlyAroundReferenceBoundaries() {
        List<RttmTurn> ref = turns("A", 0, 2, "B", 2, 4);
        List<RttmTurn> late = turns("x", 0, 2.2, "y", 2.2, 4);
        assertScore(4, 0, 0, 0.2, NO_COLLAR.score(ref, late, null));
        // no-score zones [-.25,.25], [1.75,2.25], [3.75,4.25]
        DiarizationScorer collar = DiarizationScorer.withCollar(DiarizationScorer.DEFAULT_COLLAR);
        assertScore(3, 0, 0, 0, collar.score(ref, late, null));
        // a change the system made inside A's turn has no collar of its own: 1.5-1.75 is z's, not A's (x)
        assertScore(3, 0, 0, 0.25, collar.score(ref, turns("x", 0, 1.5, "z", 1.5, 2, "y", 2, 4), null));
    }

    @Test
    void aSpeakersOverlappingTurnsCountOnceButKeepTheirBoundaries() {
        List<RttmTurn> ref = turns("A", 0, 2, "A", 1, 3);
        assertScore(3, 0, 0, 0, NO_COLLAR.score(ref, turns("x", 0, 3), null));
        // collars at 0, 1, 2 and 3 leave .25-.75, 1.25-1.75 and 2.25-2.75
        assertScore(1.5, 0, 0, 0, DiarizationScorer.withCollar(0.25).score(ref, turns("x", 0, 3), null));
    }

    @Test
    void ignoringOverlapLeavesOutASpeakersOwnOverlappingTurnsAsMdEvalDoes() {
        // md-eval -1 counts turns as written: A's two turns overlap at 1-2, so only 0-1 and 2-3 are scored
        assertScore(2, 0, 0, 0, NO_COLLAR.ignoringOverlap().score(turns("A", 0, 2, "A", 1, 3), turns("x", 0, 3),
                null));
        // touching turns do not overlap
        assertScore(4, 0, 0, 2, NO_COLLAR.ignoringOverlap().score(turns("A", 0, 2, "B", 2, 4), turns("x", 0, 4),
                null));
    }

    @Test
    void withoutUemOnlyTheReferenceSpanIsEvaluated() {
        List<RttmTurn> ref = turns("A", 1, 2, "A", 5, 6);
        // x before the first and after the last reference time is not counted; x at 3-4 is a false alarm
        assertScore(2, 1.5, 1, 0, NO_COLLAR.score(ref, turns("x", 0, 1, "x", 3, 4, "x", 5, 5.5, "x", 7, 9), null));
    }

    @Test
    void theUemLimitsBothScoringAndTheSpeakerMapping() {
        // Whole-file overlap maps x to A (2 s against 0.8 s), but inside 5-11 only B talks.
        List<RttmTurn> ref = turns("A", 0, 0.5, "A", 1, 1.5, "A", 2, 2.5, "A", 3, 3.5, "B", 10, 10.8);
        List<RttmTurn> sys = turns("x", 0, 3.5, "x", 10, 10.8);
        assertScore(2.8, 0, 1.5, 0.8, NO_COLLAR.score(ref, sys, null));
        List<UemSegment> uem = List.of(new UemSegment("f", 5, 11), new UemSegment("other", 0, 1));
        assertScore(0.8, 0, 0, 0, NO_COLLAR.score(ref, sys, uem));
        // The collar does not change the mapping: A's turns vanish in their collars, x stays A's, B is confused.
        assertScore(0.3, 0, 0, 0.3, DiarizationScorer.withCollar(0.25).score(ref, sys, null));
    }

    @Test
    void eachRecordingIsScoredOnItsOwnAndSummedOverTheReference() {
        List<RttmTurn> ref = List.of(new RttmTurn("f", 0, 2, "A"), new RttmTurn("g", 0, 2, "B"),
                new RttmTurn("m", 0, 1, "A"));
        // x is A in f and B in g (mappings are per recording); m is missing from the system; h has no reference
        List<RttmTurn> sys = List.of(new RttmTurn("f", 0, 2, "x"), new RttmTurn("g", 0, 2, "x"),
                new RttmTurn("h", 0, 5, "x"));
        Map<String, DiarizationScore> each = NO_COLLAR.scoreEachFile(ref, sys, null);
        assertEquals(List.of("f", "g", "m"), List.copyOf(each.keySet()));
        assertScore(1, 1, 0, 0, each.get("m"));
        DiarizationScore total = NO_COLLAR.scoreAll(ref, sys, null);
        assertScore(5, 1, 0, 0, total);
        assertEquals(3, total.referenceSpeakers());
        assertEquals(2, total.systemSpeakers());
        assertEquals(0.2, total.der(), EPS);
    }

    @Test
    void oneRecordingAtATime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NO_COLLAR.score(
                List.of(new RttmTurn("f", 0, 1, "A")), List.of(new RttmTurn("g", 0, 1, "x")), null));
        assertEquals("turns of more than one recording: 'f' and 'g'; use scoreEachFile", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DiarizationScorer.withCollar(-0.1));
    }
}
