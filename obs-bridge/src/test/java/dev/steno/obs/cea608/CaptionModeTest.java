package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CaptionModeTest {
    @Test
    void namesAsPeopleWriteThem() {
        assertEquals(CaptionMode.ROLL_UP_2, CaptionMode.parse("roll-up"));
        assertEquals(CaptionMode.ROLL_UP_2, CaptionMode.parse("RollUp"));
        assertEquals(CaptionMode.ROLL_UP_3, CaptionMode.parse("roll-up-3"));
        assertEquals(CaptionMode.ROLL_UP_4, CaptionMode.parse("ROLL_UP_4"));
        assertEquals(CaptionMode.POP_ON, CaptionMode.parse(" pop-on "));
        assertEquals(CaptionMode.POP_ON, CaptionMode.parse("popon"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptionMode.parse("paint-on"));
        assertTrue(e.getMessage().contains("'paint-on' does not exist") && e.getMessage().contains("pop-on"),
                e.getMessage());
    }
}
