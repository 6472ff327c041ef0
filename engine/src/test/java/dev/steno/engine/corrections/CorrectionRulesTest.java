package dev.steno.engine.corrections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing a corrections text: rules, comments, and errors that name the file and the line. */
class CorrectionRulesTest {
    @Test
    void parsesRulesSkippingCommentsAndBlankLines() {
        CorrectionRules rules = CorrectionRules.parse("terms.txt", """
                \uFEFF# company vocabulary
                cubernetes => Kubernetes

                   # indented comment
                Jitsy   Meet =>  Jitsi Meet
                c sharp => C#
                """);
        assertEquals(List.of(
                new CorrectionRules.Rule(List.of("cubernetes"), List.of("Kubernetes"), 2),
                new CorrectionRules.Rule(List.of("jitsy", "meet"), List.of("Jitsi", "Meet"), 5),
                new CorrectionRules.Rule(List.of("c", "sharp"), List.of("C#"), 6)), rules.rules());
    }

    @Test
    void indexesByFirstWordLongestFirst() {
        CorrectionRules rules = CorrectionRules.parse("t",
                "new york => NYC\nnew york city => New York City\nnew => New");
        assertEquals(List.of(3, 2, 1), rules.startingWith("new").stream().map(CorrectionRules.Rule::wrong)
                .map(List::size).toList());
        assertTrue(rules.startingWith("york").isEmpty());
    }

    @Test
    void aLineWithoutArrowIsRejectedWithFileAndLine() {
        var e = assertThrows(CorrectionRules.InvalidRulesException.class,
                () -> CorrectionRules.parse("/etc/steno/terms.txt", "# ok\na => b\ncubernetes Kubernetes\n"));
        assertEquals("/etc/steno/terms.txt line 3: expected 'wrong => right', got 'cubernetes Kubernetes'",
                e.getMessage());
    }

    @Test
    void emptySidesAndTwoArrowsAreRejected() {
        assertEquals("t line 1: both sides of '=>' need a word, got '=> Kubernetes'",
                assertThrows(CorrectionRules.InvalidRulesException.class,
                        () -> CorrectionRules.parse("t", "=> Kubernetes")).getMessage());
        assertEquals("t line 2: both sides of '=>' need a word, got 'cubernetes =>'",
                assertThrows(CorrectionRules.InvalidRulesException.class,
                        () -> CorrectionRules.parse("t", "\ncubernetes =>")).getMessage());
        assertTrue(assertThrows(CorrectionRules.InvalidRulesException.class,
                () -> CorrectionRules.parse("t", "a => b => c")).getMessage().startsWith("t line 1: expected"));
    }

    @Test
    void aRepeatedWrongSideIsRejectedWhateverItsCase() {
        var e = assertThrows(CorrectionRules.InvalidRulesException.class,
                () -> CorrectionRules.parse("t", "jitsy => Jitsi\n\nJITSY => Jitsi Meet"));
        assertEquals("t line 3: 'JITSY' is already corrected on line 1", e.getMessage());
    }

    @Test
    void anEmptyTextHasNoRules() {
        assertTrue(CorrectionRules.parse("t", "# nothing yet\n\n").isEmpty());
    }
}
