package dev.steno.engine.whisper.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.whisper.GgmlWhisperFile;
import dev.steno.engine.whisper.WhisperTokenizer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LogitFiltersTest {
    static final float N = Float.NEGATIVE_INFINITY;

    @Test
    void exactOutputOnAToyVocabulary() {
        // text 0..4 (2 is the space), end-of-text 5, specials 6..7 (always suppressed), timestamps 8..11
        LogitFilters f = new LogitFilters(5, 8, new int[] {6, 7}, 2, true, null);
        float[] first = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        f.apply(first, new int[0], 0);
        assertArrayEquals(new float[] {1, 2, N, 4, 5, N, N, N, N, N, N, N}, first);
        float[] later = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        f.apply(later, new int[] {3}, 1);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, N, N, N, N, N, N}, later, "blank and end allowed later");
    }

    @Test
    void withoutSuppressBlankTheFirstTokenMayEnd() {
        LogitFilters f = new LogitFilters(5, 8, new int[0], 2, false, null);
        float[] first = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        f.apply(first, new int[0], 0);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, N, N, N, N}, first);
    }

    @Test
    void timestampModeDelegatesToTheRules() {
        LogitFilters f = new LogitFilters(5, 8, new int[] {6}, 2, true, new TimestampRules(5, 8, 1));
        float[] first = {9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0};
        f.apply(first, new int[0], 0);
        assertArrayEquals(new float[] {N, N, N, N, N, N, N, N, 0, 0, N, N}, first);
    }

    @Test
    void realVocabularySuppressesEverySpecialButEndAndTimestampsWhenAsked() throws Exception {
        GgmlWhisperFile file = GgmlWhisperFile.readHeaderOnly(SharedFixtures.file("models/whisper-vocab/for-tests-ggml-tiny.bin"));
        WhisperTokenizer tok = WhisperTokenizer.of(file.vocabulary());
        int vocab = file.hparams().nVocab();
        for (boolean timestamps : new boolean[] {false, true}) {
            LogitFilters f = LogitFilters.forTokenizer(tok, DecodingOptions.greedy().withTimestamps(timestamps), true);
            float[] logits = new float[vocab];
            // text well ahead of the timestamps' total mass (ln 1501 = 7.3), so no timestamp is forced
            Arrays.fill(logits, 0, tok.timestampBegin(), 10f);
            f.apply(logits, new int[] {tok.timestampBegin(), 1000}, 2);
            for (int id : new int[] {tok.sot(), tok.noTimestamps(), tok.noSpeech(), tok.transcribe(),
                tok.translate(), tok.startOfPrev(), tok.startOfLm(), tok.languageToken("de")}) {
                assertEquals(N, logits[id], "special " + id + " suppressed, timestamps " + timestamps);
            }
            for (int id : tok.nonSpeechTokens()) {
                assertEquals(N, logits[id], "non-speech " + id);
            }
            assertEquals(10f, logits[tok.eot()], "end-of-text allowed after the first token");
            assertEquals(10f, logits[1000]);
            boolean anyTimestampAllowed = Arrays.stream(new int[] {tok.timestampBegin() + 1, vocab - 1})
                    .anyMatch(id -> logits[id] != N);
            assertEquals(timestamps, anyTimestampAllowed);
        }
    }

    @Test
    void firstTokenIsNotABlankOnTheRealVocabulary() throws Exception {
        GgmlWhisperFile file = GgmlWhisperFile.readHeaderOnly(SharedFixtures.file("models/whisper-vocab/for-tests-ggml-tiny.bin"));
        WhisperTokenizer tok = WhisperTokenizer.of(file.vocabulary());
        LogitFilters f = LogitFilters.forTokenizer(tok, DecodingOptions.greedy(), false);
        float[] logits = new float[file.hparams().nVocab()];
        f.apply(logits, new int[0], 0);
        int space = tok.encode(" ")[0];
        assertEquals(N, logits[space]);
        assertEquals(N, logits[tok.eot()]);
        assertFalse(logits[tok.encode("a")[0]] == N);
        assertTrue(tok.encode(" ").length == 1);
    }
}
