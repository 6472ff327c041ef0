package dev.steno.engine.diarization.sortformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SortformerPresetTest {
    @Test
    void namedPresetsCarryTheModelCardsNumbers() {
        SortformerPreset low = SortformerPreset.byName("low");
        assertEquals(new SortformerPreset(6, 1, 7, 188, 188, 144), low);
        assertEquals(1.04, low.latencySeconds(), 1e-9);
        assertEquals(8 * 14, low.melFramesPerStep());
        assertEquals(new SortformerPreset(10, 10, 0, 188, 188, 144), SortformerPreset.byName("wlk"));
        assertEquals(0.8, SortformerPreset.byName("wlk").latencySeconds(), 1e-9);
        assertEquals(10.0, SortformerPreset.byName("high").latencySeconds(), 1e-9);
        SortformerPreset veryHigh = SortformerPreset.byName("very-high");
        assertEquals(30.4, veryHigh.latencySeconds(), 1e-9);
        // the static community export of chunk (1, 3048, 128) is this preset's step
        assertEquals(3048, veryHigh.melFramesPerStep());
        assertSame(SortformerPreset.HIGH, SortformerPreset.byName("high"));
        assertEquals(44, low.perSpeakerBudget());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SortformerPreset.byName("medium"));
        assertTrue(e.getMessage().contains("'medium'") && e.getMessage().contains("low, wlk, high, very-high"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SortformerPreset.byName(null));
    }

    @Test
    void updatePeriodIsClampedToChunkAndFifoPlusChunk() {
        assertEquals(144, SortformerPreset.LOW.effectiveUpdatePeriod());
        // very high asks for 300 with a chunk of 340: NeMo raises it to the chunk
        assertEquals(340, SortformerPreset.VERY_HIGH.effectiveUpdatePeriod());
        assertEquals(6, new SortformerPreset(6, 1, 7, 188, 188, 2).effectiveUpdatePeriod());
        assertEquals(194, new SortformerPreset(6, 1, 7, 188, 188, 500).effectiveUpdatePeriod());
    }

    @Test
    void impossibleParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SortformerPreset(0, 1, 1, 188, 188, 144));
        assertThrows(IllegalArgumentException.class, () -> new SortformerPreset(6, -1, 1, 188, 188, 144));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SortformerPreset(6, 1, 7, 188, 15, 144));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
        assertTrue(SortformerPreset.LOW.toString().startsWith("low("), SortformerPreset.LOW.toString());
    }
}
