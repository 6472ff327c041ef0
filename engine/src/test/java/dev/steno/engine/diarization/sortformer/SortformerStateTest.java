package dev.steno.engine.diarization.sortformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SortformerStateTest {
    /** chunk 2, no context, FIFO 5, cache 16, update period 3. */
    private static final SortformerPreset SMALL = new SortformerPreset(2, 0, 0, 5, 16, 3);

    private int nextFrame = 1;

    /**
     * Feeds one chunk of {@code n} frames laid out as the model returns them (cache, FIFO, chunk), each frame's
     * embedding carrying its number in dimension 0 and the given predictions.
     */
    private void step(SortformerState state, int n, float[] fifoPreds, float[] chunkPred) {
        int cache = state.cache().length();
        int fifo = state.fifoLength();
        float[] preds = new float[(cache + fifo + n) * 4];
        if (fifoPreds != null) {
            System.arraycopy(fifoPreds, 0, preds, cache * 4, fifo * 4);
        } else {
            System.arraycopy(state.fifoPredictions(), 0, preds, cache * 4, fifo * 4);
        }
        float[] embs = new float[n * 512];
        for (int f = 0; f < n; f++) {
            System.arraycopy(chunkPred, 0, preds, (cache + fifo + f) * 4, 4);
            embs[f * 512] = nextFrame++;
            embs[f * 512 + 1] = chunkPred[0];
        }
        state.update(preds, cache * 4, (cache + fifo) * 4, embs, 0, n);
    }

    private static int[] frameNumbers(float[] embs, int rows) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = (int) embs[i * 512];
        }
        return out;
    }

    private static final float[] SPEECH = {0.9f, 0, 0, 0};
    private static final float[] QUIET = {0.05f, 0.05f, 0, 0};

    @Test
    void fifoSpillsTheUpdatePeriodOrTheOverflowIntoTheCache() {
        SortformerState state = new SortformerState(SMALL);
        step(state, 2, null, SPEECH);
        step(state, 2, null, SPEECH);
        assertEquals(4, state.fifoLength());
        assertEquals(0, state.cache().length());
        // 6 > 5: pop max(period 3, overflow 1) = 3 oldest
        step(state, 2, null, SPEECH);
        assertEquals(3, state.fifoLength());
        assertArrayEquals(new int[] {4, 5, 6}, frameNumbers(state.fifoEmbeddings(), 3));
        assertArrayEquals(new int[] {1, 2, 3}, frameNumbers(state.cache().embeddings(), 3));
        step(state, 2, null, SPEECH);
        assertEquals(5, state.fifoLength());
        step(state, 2, null, SPEECH);
        assertArrayEquals(new int[] {7, 8, 9, 10}, frameNumbers(state.fifoEmbeddings(), 4));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, frameNumbers(state.cache().embeddings(), 6));
    }

    @Test
    void overflowLargerThanThePeriodPopsTheOverflow() {
        // FIFO 5, chunk 4, update period 1 (clamped up to the chunk, 4)
        SortformerPreset p = new SortformerPreset(4, 0, 0, 5, 16, 1);
        assertEquals(4, p.effectiveUpdatePeriod());
        SortformerState state = new SortformerState(p);
        step(state, 4, null, SPEECH);
        step(state, 4, null, SPEECH);
        // 8 > 5: pop max(4, 3) = 4
        assertEquals(4, state.fifoLength());
        assertEquals(4, state.cache().length());
        // a short last chunk: 4 + 1 = 5, no pop
        step(state, 1, null, SPEECH);
        assertEquals(5, state.fifoLength());
    }

    @Test
    void periodLongerThanFifoAndChunkEmptiesTheFifo() {
        SortformerPreset p = new SortformerPreset(2, 0, 0, 3, 16, 100);
        assertEquals(5, p.effectiveUpdatePeriod());
        SortformerState state = new SortformerState(p);
        step(state, 2, null, SPEECH);
        step(state, 2, null, SPEECH);
        assertEquals(0, state.fifoLength());
        assertEquals(4, state.cache().length());
    }

    @Test
    void fifoPredictionsAreRefreshedEveryStepAndLeaveWithTheirFrames() {
        SortformerState state = new SortformerState(SMALL);
        step(state, 2, null, SPEECH);
        step(state, 2, null, SPEECH);
        // the model now sees the 4 FIFO frames differently: speaker 1
        float[] revised = new float[16];
        for (int f = 0; f < 4; f++) {
            revised[f * 4 + 1] = 0.7f;
        }
        step(state, 2, revised, SPEECH);
        float[] cachePreds = Arrays.copyOf(state.cache().predictions(), 12);
        assertArrayEquals(new float[] {0, 0.7f, 0, 0, 0, 0.7f, 0, 0, 0, 0.7f, 0, 0}, cachePreds);
        assertArrayEquals(new float[] {0, 0.7f, 0, 0}, Arrays.copyOf(state.fifoPredictions(), 4));
        assertArrayEquals(SPEECH, Arrays.copyOfRange(state.fifoPredictions(), 4, 8));
    }

    @Test
    void silentFramesLeavingTheFifoMakeTheMeanSilenceEmbedding() {
        SortformerState state = new SortformerState(SMALL);
        step(state, 2, null, QUIET);
        step(state, 2, null, SPEECH);
        // frames 1, 2 quiet (sum 0.1 < 0.2), 3 speech: pop 3
        step(state, 2, null, SPEECH);
        assertEquals(2, state.silenceFrames());
        assertEquals(1.5f, state.meanSilence()[0], 1e-6, "mean of frame numbers 1 and 2");
        assertEquals(0.05f, state.meanSilence()[1], 1e-6);
        // the silent frames still go to the cache (with their low predictions)
        assertEquals(3, state.cache().length());
        float[] edge = {0.1f, 0.1f, 0, 0};
        step(state, 2, null, edge);
        step(state, 2, null, edge);
        step(state, 2, null, edge);
        // frames 4-6 (speech) and then 7-9 (sum 0.2, not below 0.2) have left: no new silence
        assertEquals(9, state.cache().length());
        assertEquals(2, state.silenceFrames());
    }

    @Test
    void compressionFillsSilenceSlotsWithTheMeanSilenceEmbedding() {
        SortformerState state = new SortformerState(SMALL);
        for (int i = 0; i < 20; i++) {
            step(state, 2, null, i < 10 ? QUIET : SPEECH);
        }
        assertEquals(16, state.cache().length());
        float[] e = state.cache().embeddings();
        float[] p = state.cache().predictions();
        int silenceSlots = 0;
        for (int slot = 0; slot < 16; slot++) {
            if (p[slot * 4] == 0 && p[slot * 4 + 1] == 0) {
                silenceSlots++;
                assertArrayEquals(state.meanSilence(), Arrays.copyOfRange(e, slot * 512, slot * 512 + 512));
            }
        }
        assertEquals(12, silenceSlots, "3 silence slots per speaker; the quiet frames are never kept");
        assertEquals(20, state.silenceFrames());
        assertEquals(10.5f, state.meanSilence()[0], 1e-5, "mean of frame numbers 1..20");
    }

    @Test
    void hoursOfSilenceStayBounded() {
        SortformerState state = new SortformerState(SortformerPreset.LOW);
        float[] preds = new float[(188 + 188 + 6) * 4];
        float[] embs = new float[6 * 512];
        Arrays.fill(embs, 0.25f);
        // one hour: 45 000 frames of 80 ms
        for (int i = 0; i < 7500; i++) {
            int cache = state.cache().length();
            int fifo = state.fifoLength();
            state.update(preds, cache * 4, (cache + fifo) * 4, embs, 0, 6);
            assertTrue(state.cache().length() <= 188 && state.fifoLength() <= 188);
        }
        assertEquals(188, state.cache().length());
        assertEquals(45000 - state.fifoLength(), state.silenceFrames());
        assertEquals(0.25f, state.meanSilence()[17], 1e-6);
    }

    @Test
    void aChunkLargerThanThePresetsIsRefused() {
        SortformerState state = new SortformerState(SMALL);
        assertThrows(IllegalArgumentException.class, () -> state.update(new float[12], 0, 0, new float[3 * 512], 0,
                3));
    }
}
