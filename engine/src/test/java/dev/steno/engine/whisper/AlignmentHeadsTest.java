package dev.steno.engine.whisper;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlignmentHeadsTest {
    private static AlignmentHeads of(String name) {
        return AlignmentHeads.forModel(name).orElseThrow(() -> new AssertionError("no table for " + name));
    }

    @Test
    void tinyIsExactlyOpenAisTable() {
        AlignmentHeads tiny = of("tiny");
        assertEquals(List.of(new AlignmentHeads.Head(2, 2), new AlignmentHeads.Head(3, 0), new AlignmentHeads.Head(3, 2),
                new AlignmentHeads.Head(3, 3), new AlignmentHeads.Head(3, 4), new AlignmentHeads.Head(3, 5)), tiny.heads());
        assertEquals("2:2 3:0 3:2 3:3 3:4 3:5", tiny.toString());
        assertArrayEquals(new int[]{0, 2, 3, 4, 5}, tiny.headsInLayer(3));
        assertArrayEquals(new int[0], tiny.headsInLayer(0));
    }

    @Test
    void turboAndItsAliasesAndFileNames() {
        assertEquals("2:4 2:11 3:3 3:6 3:11 3:14", of("large-v3-turbo").toString());
        assertEquals(of("large-v3-turbo"), of("turbo"));
        assertEquals(of("large-v3-turbo"), of("ggml-large-v3-turbo-q5_0.bin"));
        assertEquals(of("large-v3-turbo"), of("/models/ggml-large-v3-turbo.bin"));
        // "large" is large-v3 in OpenAI's naming; turbo must not be confused with large-v3
        assertEquals("7:0 10:17 12:18 13:12 16:1 17:14 19:11 21:4 24:1 25:6", of("large").toString());
        assertEquals(of("large-v3"), of("LARGE-V3"));
        assertEquals(of("base.en"), of("ggml-base.en-q8_0.bin"));
    }

    @Test
    void everyModelHasATableThatFitsItsDecoder() {
        // decoder layers / heads of the OpenAI sizes
        Object[][] models = {
                {"tiny.en", 4, 6, 8}, {"tiny", 4, 6, 6}, {"base.en", 6, 8, 5}, {"base", 6, 8, 8},
                {"small.en", 12, 12, 19}, {"small", 12, 12, 10}, {"medium.en", 24, 16, 18}, {"medium", 24, 16, 6},
                {"large-v1", 32, 20, 9}, {"large-v2", 32, 20, 23}, {"large-v3", 32, 20, 10},
                {"large-v3-turbo", 4, 20, 6}};
        for (Object[] m : models) {
            AlignmentHeads heads = of((String) m[0]);
            assertTrue(heads.fits((int) m[1], (int) m[2]), (String) m[0]);
            assertEquals((int) m[3], heads.size(), (String) m[0]);
        }
        assertFalse(of("large-v3").fits(4, 20), "a large table must not fit turbo's 4-layer decoder");
    }

    @Test
    void unknownModelsFallBackToAllHeadsOfTheUpperHalf() {
        assertTrue(AlignmentHeads.forModel("distil-large-v3").isEmpty());
        assertTrue(AlignmentHeads.forModel("my-finetune").isEmpty());
        AlignmentHeads fallback = AlignmentHeads.forModelOrDefault("distil-large-v3", 2, 20);
        assertEquals(20, fallback.size());
        assertTrue(fallback.heads().stream().allMatch(h -> h.layer() == 1));
        // odd depth: OpenAI takes layers n // 2 .. n - 1
        AlignmentHeads odd = AlignmentHeads.lastHalfOfLayers(5, 2);
        assertEquals("2:0 2:1 3:0 3:1 4:0 4:1", odd.toString());
        assertEquals(of("tiny"), AlignmentHeads.forModelOrDefault("tiny", 4, 6));
        WhisperHyperParams tinyShape = new WhisperHyperParams(51865, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1);
        assertEquals("2:0 2:1 2:2 2:3 2:4 2:5 3:0 3:1 3:2 3:3 3:4 3:5",
                AlignmentHeads.forModelOrDefault("custom", tinyShape).toString());
    }

    @Test
    void parseRejectsGarbage() {
        assertEquals("1:2 3:4", AlignmentHeads.parse(" 1:2, 3:4 ").toString());
        assertThrows(IllegalArgumentException.class, () -> AlignmentHeads.parse("1-2"));
        assertThrows(IllegalArgumentException.class, () -> AlignmentHeads.parse("a:b"));
        assertThrows(IllegalArgumentException.class, () -> AlignmentHeads.parse(""));
        assertThrows(IllegalArgumentException.class, () -> AlignmentHeads.parse("1:2 1:2"));
        assertThrows(IllegalArgumentException.class, () -> AlignmentHeads.parse("-1:2"));
    }
}
