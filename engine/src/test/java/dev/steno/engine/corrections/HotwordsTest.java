package dev.steno.engine.corrections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hotwords as prompt text and as spelling corrections. */
class HotwordsTest {
    @Test
    void parsesACommaSeparatedList() {
        assertEquals(List.of("Kubernetes", "Jitsi Meet"),
                Hotwords.parse(" Kubernetes,, Jitsi   Meet ,kubernetes").terms());
        assertEquals(Hotwords.NONE, Hotwords.parse("  "));
        assertEquals(Hotwords.NONE, Hotwords.parse(null));
    }

    @Test
    void addsTheTermsToTheStaticPrompt() {
        Hotwords h = Hotwords.parse("Kubernetes, Jitsi");
        assertEquals("Kubernetes, Jitsi.", h.addTo(null));
        assertEquals("A meeting about our cluster. Kubernetes, Jitsi.", h.addTo(" A meeting about our cluster. "));
        assertNull(Hotwords.NONE.addTo(null));
        assertEquals("as is", Hotwords.NONE.addTo("as is"));
    }

    @Test
    void spellsTheTermsAsGivenWhereverTheCaseDiffers() {
        Corrector c = Hotwords.parse("Jitsi Meet, steno, Kubernetes").spellings();
        List<Word> heard = List.of(new Word(" we", 0, 0.2), new Word(" use", 0.2, 0.4), new Word(" jitsi", 0.4, 0.6),
                new Word(" meet", 0.6, 0.8), new Word(" on", 0.8, 0.9), new Word(" KUBERNETES", 0.9, 1.5));
        List<Word> out = c.correct(heard);
        assertEquals(" we use Jitsi Meet on KUBERNETES", String.join("", out.stream().map(Word::text).toList()));
        assertEquals(0.4, out.get(2).start(), 1e-9, "word times kept");
        assertTrue(Hotwords.parse("steno, jitsi").spellings().isNone(), "lower-case terms need no correction");
    }
}
