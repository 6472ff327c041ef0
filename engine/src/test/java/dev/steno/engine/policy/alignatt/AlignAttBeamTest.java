package dev.steno.engine.policy.alignatt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.transcript.Word;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * AlignAtt with {@code --beams} above 1, against branching scripts: the beam search finds what greedy decoding misses,
 * forked hypotheses continue their own paths, and the stop rules follow the best hypothesis.
 */
class AlignAttBeamTest {
    private static ScriptedAlignAttModel model() {
        return new ScriptedAlignAttModel(" the", " a", " cat", " dog", " fish", " bird", " big", " small", " sat");
    }

    private static AlignAttPolicy policy(ScriptedAlignAttModel m, int beams, boolean neverFire) {
        return new AlignAttPolicy(m, AlignAttConfig.builder().language("en").beams(beams).neverFire(neverFire).build());
    }

    private static String text(List<Word> words) {
        return words.stream().map(Word::text).collect(Collectors.joining());
    }

    /**
     * " the" is the likelier first word, but every word after it is a four-way guess, while " a" is followed by
     * " cat" for certain: log P(the, x) = -0.60 - 1.39 < log P(a, cat) = -0.80.
     */
    private static void gardenPath(ScriptedAlignAttModel m) {
        m.thenTree()
                .at("", 10, " the", 2.0, " a", 1.8)
                .at(" the", 40, " dog", 0, " fish", 0, " bird", 0, " cat", 0)
                .at(" a", 40, " cat", 12)
                .done();
    }

    @Test
    void beamsFindTheLikelierSentenceGreedyDecodingMisses() {
        ScriptedAlignAttModel greedyModel = model();
        gardenPath(greedyModel);
        AlignAttPolicy greedy = policy(greedyModel, 1, true);
        greedy.insertAudio(new float[16000 * 3]);
        assertEquals(" the cat", text(greedy.process().committed()), "greedy: argmax, lowest id on ties");

        ScriptedAlignAttModel beamModel = model();
        gardenPath(beamModel);
        AlignAttPolicy beams = policy(beamModel, 2, true);
        beams.insertAudio(new float[16000 * 3]);
        PolicyStep step = beams.process();
        assertEquals(" a cat", text(step.committed()));
        assertEquals(AlignAttPolicy.Stop.END_OF_TEXT, beams.lastStep().stop());
        assertEquals(2, beams.lastStep().newTokens());
        // the word times come from the winning hypothesis' own attention: " a" at frame 10, " cat" at frame 40
        assertEquals(0.2, step.committed().get(0).start(), 1e-9);
        assertEquals(0.8, step.committed().get(1).start(), 1e-9);
    }

    @Test
    void aForkedHypothesisContinuesItsOwnPath() {
        // both kept continuations after " a" share a parent, so one of them runs on a copy of its decoder; the copy
        // must carry the path, or " small" would not be followed by the certain " cat", and its own score: log P(a
        // small cat) = -0.74 beats log P(a big dog) = -0.64 - 0.69 = -1.34 by less than log P(big)
        ScriptedAlignAttModel m = model();
        m.thenTree()
                .at("", 10, " a", 8)
                .at(" a", 30, " big", 2.0, " small", 1.9)
                .at(" a big", 50, " dog", 0, " fish", 0)
                .at(" a small", 50, " cat", 12)
                .at(" the", 30, " dog", 12)
                .done();
        AlignAttPolicy p = policy(m, 3, true);
        p.insertAudio(new float[16000 * 3]);
        assertEquals(" a small cat", text(p.process().committed()));

        ScriptedAlignAttModel again = model();
        again.thenTree()
                .at("", 10, " a", 8)
                .at(" a", 30, " big", 2.0, " small", 1.9)
                .at(" a big", 50, " dog", 0, " fish", 0)
                .at(" a small", 50, " cat", 12)
                .done();
        AlignAttPolicy greedy = policy(again, 1, true);
        greedy.insertAudio(new float[16000 * 3]);
        assertEquals(" a big dog", text(greedy.process().committed()));
    }

    @Test
    void theBestHypothesisReachingTheAudioEndStopsTheStep() {
        // 3 s = 150 frames. After " a" the likeliest continuation attends to frame 140 (within 25 of the end): the
        // step stops there although the hypothesis " the" could go on
        ScriptedAlignAttModel m = model();
        m.thenTree()
                .at("", 10, " a", 2.0, " the", 1.9)
                .at(" a", 140, " cat", 12)
                .at(" the", 40, " dog", 12)
                .at(" the dog", 60, " sat", 12)
                .done();
        AlignAttPolicy p = policy(m, 2, true);
        p.insertAudio(new float[16000 * 3]);
        PolicyStep step = p.process();
        assertEquals(AlignAttPolicy.Stop.FRAME_THRESHOLD, p.lastStep().stop());
        assertEquals(" a", text(step.committed()));
    }

    @Test
    void theBestHypothesisEndingTheTextEndsTheStep() {
        // after " a" end-of-text is near certain and outranks " the dog": the step ends with " a"
        ScriptedAlignAttModel m = model();
        m.thenTree()
                .at("", 10, " a", 2.0, " the", 1.9)
                .at(" a", 40, "<eot>", 12)
                .at(" the", 40, " dog", 1)
                .done();
        AlignAttPolicy p = policy(m, 2, true);
        p.insertAudio(new float[16000 * 3]);
        assertEquals(" a", text(p.process().committed()));
        assertEquals(AlignAttPolicy.Stop.END_OF_TEXT, p.lastStep().stop());
    }

    @Test
    void theBestHypothesisJumpingBackRewindsTheStep() {
        // 8 s = 400 frames: the best hypothesis' second token attends 230 frames before its first (more than the
        // 200-frame rewind threshold): the step's output is dropped, whatever the other hypothesis does
        ScriptedAlignAttModel m = model();
        m.thenTree()
                .at("", 250, " a", 2.0, " the", 1.9)
                .at(" a", 20, " cat", 12)
                .at(" the", 260, " dog", 12)
                .done();
        AlignAttPolicy p = policy(m, 2, true);
        p.insertAudio(new float[16000 * 8]);
        PolicyStep step = p.process();
        assertEquals(AlignAttPolicy.Stop.REWIND, p.lastStep().stop());
        assertTrue(step.committed().isEmpty());
        assertEquals(0, p.lastStep().newTokens());
    }

    @Test
    void theLastWordWaitsOnTheBestHypothesisAndIsDecodedAgainNextStep() {
        ScriptedAlignAttModel m = model();
        gardenPath(m);
        m.thenTree()
                .at("", 40, " cat", 12)
                .at(" cat", 60, " sat", 12)
                .done();
        AlignAttPolicy p = policy(m, 2, false);
        p.insertAudio(new float[16000 * 3]);
        PolicyStep first = p.process();
        assertEquals(" a", text(first.committed()));
        assertEquals(" cat", text(first.tentative()));
        p.insertAudio(new float[16000]);
        PolicyStep second = p.process();
        assertEquals(" cat", text(second.committed()), "the committed \" a\" is prefilled; \" sat\" waits");
        assertEquals(" sat", text(second.tentative()));
    }

    @Test
    void beamWidthIsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlignAttConfig.builder().beams(0).build());
        assertTrue(e.getMessage().contains("--beams"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AlignAttConfig.builder().beams(17).build());
        assertEquals(16, AlignAttConfig.builder().beams(16).build().beams());
    }
}
