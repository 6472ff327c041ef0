package dev.steno.engine.corrections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rewriting words: whole-word, case-insensitive, longest match, punctuation, capitalisation and times. */
class CorrectorTest {
    private static final Corrector RULES = Corrector.of(CorrectionRules.parse("t", """
            cubernetes => Kubernetes
            jitsy => Jitsi
            new york => New York
            new york city => NYC
            k eight s => k8s
            alpha => Alfa Romeo
            steno graphy => stenography
            """));

    /** One word per half second, " a b c" -> words at 0, 0.5, 1.0 ... with probabilities 0.9, 0.8, ... */
    private static List<Word> words(String text) {
        List<Word> out = new ArrayList<>();
        String[] parts = text.strip().split(" ");
        for (int i = 0; i < parts.length; i++) {
            out.add(new Word(" " + parts[i], i * 0.5, i * 0.5 + 0.4, 0.9 - i * 0.1));
        }
        return out;
    }

    private static String corrected(String text) {
        return Words.text(RULES.correct(words(text)));
    }

    @Test
    void replacesWholeWordsCaseInsensitively() {
        assertEquals("we run Kubernetes on Jitsi", corrected("we run cubernetes on jitsy"));
        assertEquals("we run Kubernetes", corrected("we run CuBeRnEtEs"));
    }

    @Test
    void neverMatchesPartOfAWord() {
        assertEquals("cubernetesx subcubernetes jitsys", corrected("cubernetesx subcubernetes jitsys"));
        // a word continued without a space is part of a longer word
        List<Word> split = List.of(new Word(" cubernetes", 0, 1), new Word("ish", 1, 1.2));
        assertEquals("cubernetesish", Words.text(RULES.correct(split)));
        // punctuation on its own, not merged into the word before, does not continue it
        List<Word> apart = List.of(new Word(" cubernetes", 0, 1), new Word(";", 1, 1));
        assertEquals("Kubernetes;", Words.text(RULES.correct(apart)));
    }

    @Test
    void keepsCapitalisationStyle() {
        assertEquals("Kubernetes runs", corrected("Cubernetes runs"));
        assertEquals("KUBERNETES runs", corrected("CUBERNETES runs"));
        assertEquals("in NEW YORK", corrected("in NEW YORK"));
        // lower case takes the replacement as written, capitalised takes its first letter up
        assertEquals("a k8s node", corrected("a k eight s node"));
        assertEquals("K8s node", corrected("K eight s node"));
        assertEquals("Alfa Romeo", corrected("Alpha"));
    }

    @Test
    void keepsPunctuationAroundTheMatch() {
        assertEquals("hello Kubernetes, and (Jitsi). \"New York!\"",
                corrected("hello cubernetes, and (jitsy). \"new york!\""));
    }

    @Test
    void aPhraseDoesNotMatchAcrossPunctuation() {
        assertEquals("new, york", corrected("new, york"));
    }

    @Test
    void theLongestMatchWins() {
        assertEquals("NYC is not New York state", corrected("new york city is not new york state"));
    }

    @Test
    void matchedWordsAreNotMatchedAgain() {
        Corrector chain = Corrector.of(CorrectionRules.parse("t", "a b => b\nb c => X"));
        assertEquals("b c", Words.text(chain.correct(words("a b c"))));
    }

    @Test
    void sameNumberOfWordsKeepsEachWordsTimesAndProbability() {
        List<Word> in = words("in new york");
        List<Word> out = RULES.correct(in);
        assertEquals(List.of(new Word(" in", 0, 0.4, 0.9), new Word(" New", 0.5, 0.9, 0.8),
                new Word(" York", 1.0, 1.4, 0.7)), out);
    }

    @Test
    void mergedWordsSpanTheirTimes() {
        // "steno graphy" at 0.5..0.9 and 1.0..1.4 -> one word from 0.5 to 1.4 with the lower probability
        List<Word> out = RULES.correct(words("the steno graphy works"));
        assertEquals(new Word(" stenography", 0.5, 1.4, 0.7), out.get(1));
        assertEquals(new Word(" works", 1.5, 1.9, 0.6), out.get(2));
        assertEquals(3, out.size());
    }

    @Test
    void splitWordsShareTheTimeByLength() {
        // "alpha" 0.5..0.9 -> "Alfa" (4 chars) and "Romeo" (5 chars): 0.5..0.6777, 0.6777..0.9
        List<Word> out = RULES.correct(words("an alpha"));
        assertEquals(3, out.size());
        assertEquals(" Alfa", out.get(1).text());
        assertEquals(" Romeo", out.get(2).text());
        assertEquals(0.5, out.get(1).start(), 1e-9);
        assertEquals(0.5 + 0.4 * 4 / 9, out.get(1).end(), 1e-9);
        assertEquals(out.get(1).end(), out.get(2).start(), 1e-9);
        assertEquals(0.9, out.get(2).end(), 1e-9);
        assertEquals(0.8, out.get(2).probability(), 1e-9);
    }

    @Test
    void untouchedWordsComeBackAsTheSameList() {
        List<Word> in = words("nothing to see");
        assertSame(in, RULES.correct(in));
        assertSame(in, Corrector.NONE.correct(in));
    }

    @Test
    void aChainAppliesItsSetsInOrder() {
        Corrector session = Corrector.of(CorrectionRules.parse("session", "jitsy => Jitsi Meet"));
        assertEquals("Jitsi Meet on Kubernetes", Words.text(session.then(RULES).correct(words("jitsy on cubernetes"))));
        assertSame(RULES, Corrector.NONE.then(RULES));
    }

    @Test
    void theFirstWordMayComeWithoutALeadingSpace() {
        List<Word> in = List.of(new Word("cubernetes", 0, 1), new Word(" rocks", 1, 2));
        assertEquals(List.of(new Word("Kubernetes", 0, 1), new Word(" rocks", 1, 2)), RULES.correct(in));
    }
}
