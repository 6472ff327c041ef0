package dev.steno.engine.corrections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hotwords as prompt text and as a keyword list. */
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
}
