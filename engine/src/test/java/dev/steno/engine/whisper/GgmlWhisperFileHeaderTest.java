package dev.steno.engine.whisper;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the real headers, mel filters and vocabularies of the shared vocabulary-only files. */
class GgmlWhisperFileHeaderTest {
    private static Path shared(String name) {
        return SharedFixtures.file("models/whisper-vocab/" + name);
    }

    private static String token(WhisperVocabulary v, int id) {
        return new String(v.tokenBytes(id), StandardCharsets.UTF_8);
    }

    @Test
    void tinyMultilingual() throws Exception {
        Path p = shared("for-tests-ggml-tiny.bin");
        GgmlWhisperFile f = GgmlWhisperFile.readHeaderOnly(p);
        assertEquals(new WhisperHyperParams(51865, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1), f.hparams());
        assertEquals("tiny", f.hparams().sizeName());
        assertTrue(f.hparams().multilingual());
        assertFalse(f.hparams().isLargeV3Vocab());
        assertEquals(GgmlType.F16, f.hparams().weightType());

        WhisperMelFilters mel = f.melFilters();
        assertEquals(80, mel.nMel());
        assertEquals(201, mel.nFft());
        assertEquals(80 * 201, mel.data().length);
        assertEquals(0.0f, mel.get(0, 0));
        assertEquals(0.02486259490251541f, mel.get(0, 1));

        WhisperVocabulary v = f.vocabulary();
        assertEquals(51865, v.size());
        assertEquals(50257, v.fileTokenCount());
        assertEquals("!", token(v, 0));
        assertEquals("A", token(v, 32));
        assertEquals(" ", token(v, 220));
        assertEquals(" t", token(v, 256));
        assertEquals(" a", token(v, 257));
        assertEquals(" о", token(v, 1000)); // Cyrillic: only the multilingual vocabulary has it this early
        assertEquals("场", token(v, 50255));
        // The multilingual file stores an empty string at 50256; its end-of-text is the implied 50257.
        assertEquals("", token(v, 50256));
        assertEquals("[_EOT_]", token(v, 50257));
        assertEquals("[_SOT_]", token(v, 50258));
        assertEquals("[_TRANSCRIBE_]", token(v, 50359));
        assertEquals("[_BEG_]", token(v, 50364));
        assertEquals("[_TT_1500]", token(v, 51864));

        WhisperVocabulary.SpecialTokens s = v.special();
        assertEquals(new WhisperVocabulary.SpecialTokens(50257, 50258, 50358, 50359, 50360, 50361, 50362, 50363,
                50364, 99), s);
        assertEquals(v.size(), s.timestamp(1501));

        assertTrue(f.headerOnly());
        assertTrue(f.tensors().isEmpty());
        assertEquals(Files.size(p), f.tensorSectionOffset());
        assertEquals(575451, f.fileSize());
    }

    @Test
    void tinyEnglishOnly() throws Exception {
        GgmlWhisperFile f = GgmlWhisperFile.readHeaderOnly(shared("for-tests-ggml-tiny.en.bin"));
        assertEquals(new WhisperHyperParams(51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1), f.hparams());
        assertFalse(f.hparams().multilingual());
        WhisperVocabulary v = f.vocabulary();
        assertEquals(51864, v.size());
        assertEquals(50257, v.fileTokenCount());
        assertEquals(" t", token(v, 256));
        assertEquals("ale", token(v, 1000));
        assertEquals(" gazed", token(v, 50255));
        // GPT-2's vocabulary, which the English-only model keeps, lists end-of-text itself.
        assertEquals("<|endoftext|>", token(v, 50256));
        assertEquals(new WhisperVocabulary.SpecialTokens(50256, 50257, 50357, 50358, 50359, 50360, 50361, 50362,
                50363, 0), v.special());
        assertFalse(v.special().multilingual());
        assertEquals("[_SOT_]", token(v, 50257));
        assertEquals(v.size(), v.special().timestamp(1501));
    }

    @Test
    void largeIsV2ShapedWithEightyMels() throws Exception {
        // The shared "large" file is large-v1/v2 shaped: multilingual 51865 and 80 mels (not large-v3).
        GgmlWhisperFile f = GgmlWhisperFile.readHeaderOnly(shared("for-tests-ggml-large.bin"));
        assertEquals(new WhisperHyperParams(51865, 1500, 1280, 20, 32, 448, 1280, 20, 32, 80, 1), f.hparams());
        assertEquals("large", f.hparams().sizeName());
        assertEquals(80, f.melFilters().nMel());
        assertEquals(50257, f.vocabulary().fileTokenCount());
        assertEquals(50358, f.vocabulary().special().translate());
        GgmlWhisperFile tiny = GgmlWhisperFile.readHeaderOnly(shared("for-tests-ggml-tiny.bin"));
        assertArrayEquals(tiny.melFilters().data(), f.melFilters().data());
        for (int id : new int[] {0, 256, 1000, 30000, 50256}) {
            assertArrayEquals(tiny.vocabulary().tokenBytes(id), f.vocabulary().tokenBytes(id));
        }
    }

    @Test
    void largeV3SpecialTokensShiftByOne() {
        WhisperVocabulary.SpecialTokens s = WhisperVocabulary.SpecialTokens.forVocabSize(51866);
        assertEquals(new WhisperVocabulary.SpecialTokens(50257, 50258, 50359, 50360, 50361, 50362, 50363, 50364,
                50365, 100), s);
        assertEquals(50259, s.firstLanguage());
        assertEquals(51866, s.timestamp(1501));
        assertTrue(new WhisperHyperParams(51866, 1500, 1280, 20, 32, 448, 1280, 20, 4, 128, 1).isLargeV3Vocab());
        assertEquals("large-turbo",
                new WhisperHyperParams(51866, 1500, 1280, 20, 32, 448, 1280, 20, 4, 128, 1).sizeName());
        assertEquals("custom", new WhisperHyperParams(51865, 1500, 64, 2, 1, 448, 64, 2, 1, 80, 1).sizeName());
    }

    @Test
    void computedSlaneyFiltersMatchTheRealOnes() throws Exception {
        float[] real = GgmlWhisperFile.readHeaderOnly(shared("for-tests-ggml-tiny.bin")).melFilters().data();
        float[] ours = RandomGgmlWhisper.slaneyMelFilters(80);
        assertEquals(real.length, ours.length);
        double worst = 0;
        for (int i = 0; i < real.length; i++) {
            worst = Math.max(worst, Math.abs(real[i] - ours[i]));
        }
        assertTrue(worst < 1e-6, "largest difference " + worst);
    }

    @Test
    void typesAndFtypes() {
        assertEquals(68, GgmlType.Q8_0.bytesFor(64));
        assertEquals(18, GgmlType.Q4_0.bytesFor(32));
        assertEquals(20, GgmlType.Q4_1.bytesFor(32));
        assertEquals(22, GgmlType.Q5_0.bytesFor(32));
        assertEquals(24, GgmlType.Q5_1.bytesFor(32));
        assertEquals(210, GgmlType.Q6_K.bytesFor(256));
        assertEquals(20, GgmlType.F16.bytesFor(10));
        assertEquals(40, GgmlType.F32.bytesFor(10));
        assertEquals(GgmlType.Q8_0, GgmlType.byId(8));
        assertEquals(GgmlType.Q5_0, GgmlType.byId(6));
        assertNull(GgmlType.byId(4));
        // ggml_ftype numbers are not type ids.
        assertEquals(GgmlType.Q8_0, GgmlType.forFtype(7));
        assertEquals(GgmlType.Q5_1, GgmlType.forFtype(9));
        assertNull(GgmlType.forFtype(4));
        WhisperHyperParams q = new WhisperHyperParams(51865, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 2007);
        assertEquals(7, q.baseFtype());
        assertEquals(2, q.quantizationVersion());
        assertEquals(GgmlType.Q8_0, q.weightType());
        assertNull(q.problem());
    }
}
