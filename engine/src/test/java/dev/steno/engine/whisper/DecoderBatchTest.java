package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.whisper.decode.BeamSearch;
import dev.steno.engine.whisper.decode.DecodedSequence;
import dev.steno.engine.whisper.decode.DecodingState;
import dev.steno.engine.whisper.decode.KvDecodingState;
import dev.steno.engine.whisper.decode.LogProbs;
import dev.steno.engine.whisper.decode.LogitFilters;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link DecoderBatch}: several states with their own audio, prompts and recordings advanced together give each the
 * logits, cross-attention rows and positions of its own steps, for every weight type.
 *
 * <p>The rows run the same operations in the same order as single steps, but the comparison allows a few units in
 * the last place: HotSpot's compiled vector tanh and exp (GELU, softmax) differ from the interpreter's in the last
 * bit, so a kernel compiled between a single step and its batched twin shifts the bits of both alike-but-not-equal.
 */
class DecoderBatchTest {
    static final RandomGgmlWhisper.Config SMALL =
            new RandomGgmlWhisper.Config(51865, 1500, 64, 2, 2, 448, 80, false, RandomGgmlWhisper.Vocab.REAL);
    @RegisterExtension
    static final RandomModelFile F16 = new RandomModelFile("batch-f16.bin", SMALL, 5);
    @RegisterExtension
    static final RandomModelFile F32 = new RandomModelFile("batch-f32.bin", SMALL.withFtype(0), 6);
    @RegisterExtension
    static final RandomModelFile Q8 = new RandomModelFile("batch-q8.bin", SMALL.withFtype(7), 7);
    static final ForkJoinPool POOL = new ForkJoinPool(2);
    static final int[][] HEADS = {{0, 0}, {1, 1}};
    static final double TOLERANCE = 1e-4;

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    @Test
    void f16RowsMatchSingleSteps() throws Exception {
        check(decoder(F16));
    }

    @Test
    void f32RowsMatchSingleSteps() throws Exception {
        check(decoder(F32));
    }

    @Test
    void q8RowsMatchSingleSteps() throws Exception {
        check(decoder(Q8));
    }

    @Test
    void refusesBadBatchesWithoutChangingAnyState() throws Exception {
        WhisperDecoder d = decoder(F16);
        DecoderState a = withAudio(d, 300, 1);
        DecoderState b = withAudio(d, 300, 2);
        a.prefill(new int[] {50258, 50259});
        DecoderState noAudio = d.newState();
        DecoderBatch batch = d.newBatch();
        assertThrows(IllegalArgumentException.class, () -> batch.step(new DecoderState[] {a, a}, new int[] {1, 2}, 2));
        assertThrows(IllegalStateException.class,
                () -> batch.step(new DecoderState[] {a, noAudio}, new int[] {1, 2}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> batch.step(new DecoderState[] {a, b}, new int[] {1, -1}, 2));
        assertEquals(2, a.position());
        assertEquals(0, b.position());
        DecoderState other = decoder(F32).newState();
        assertThrows(IllegalArgumentException.class,
                () -> batch.step(new DecoderState[] {a, other}, new int[] {1, 2}, 2));
    }

    /** A beam search whose beams step as one batch finds the sequence and score of one stepping them one by one. */
    /**
     * Beams of two searches in one batch, interleaved (a, b, a's fork, b's fork, a's second fork): the rows of one
     * audio attend one after another, and each still gets the logits, recorded attention and tokens of its own step.
     */
    @Test
    void rowsSharingAudioMatchSingleSteps() throws Exception {
        WhisperDecoder d = decoder(F16);
        int[] rootOf = {0, 1, 0, 1, 0};
        int n = rootOf.length;
        DecoderState[] batched = new DecoderState[n];
        DecoderState[] single = new DecoderState[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            if (i < 2) {
                batched[i] = withAudio(d, i == 0 ? 1500 : 900, 20 + i);
                single[i] = withAudio(d, i == 0 ? 1500 : 900, 20 + i);
                batched[i].prefill(new int[] {50258, 50259, 50359});
                single[i].prefill(new int[] {50258, 50259, 50359});
            } else {
                batched[i] = d.newState();
                batched[i].copyFrom(batched[rootOf[i]]);
                single[i] = d.newState();
                single[i].copyFrom(single[rootOf[i]]);
            }
            batched[i].recordCrossAttention(HEADS);
            single[i].recordCrossAttention(HEADS);
            next[i] = 440 + 7 * i;
        }
        assertTrue(batched[4].sharesAudio(batched[0]) && !batched[3].sharesAudio(batched[0]));
        DecoderBatch batch = d.newBatch();
        for (int step = 0; step < 6; step++) {
            for (int i = 0; i < n; i++) {
                single[i].step(next[i]);
            }
            batch.step(batched, next, n);
            for (int i = 0; i < n; i++) {
                String where = "step " + step + " row " + i;
                assertClose(single[i].logits(), batched[i].logits(), where + " logits");
                for (int[] lh : HEADS) {
                    assertClose(single[i].crossAttention(lh[0], lh[1]), batched[i].crossAttention(lh[0], lh[1]),
                            where + " attention " + lh[0] + "/" + lh[1]);
                }
                next[i] = LogProbs.argmax(single[i].logits());
                assertEquals(next[i], LogProbs.argmax(batched[i].logits()), where + " token");
            }
        }
    }

    @Test
    void batchedBeamSearchFindsTheSameSequence() throws Exception {
        WhisperDecoder d = decoder(F16);
        LogitFilters filters = new LogitFilters(50257, 50364, new int[0], -1, false, null);
        DecodedSequence[] results = new DecodedSequence[2];
        for (int run = 0; run < 2; run++) {
            DecoderState root = withAudio(d, 700, 3);
            float[] initial = root.prefill(new int[] {50258, 50259, 50359}).clone();
            BeamSearch search = new BeamSearch(filters, 50257, 12, 4, 1.0, 1.0);
            Supplier<DecodingState> spares = () -> new KvDecodingState(d.newState(), d.contextSize());
            KvDecodingState rootState = new KvDecodingState(root, d.contextSize());
            results[run] = run == 0 ? search.search(rootState, initial, spares)
                    : search.search(rootState, initial, spares, KvDecodingState.batched(d.newBatch()));
        }
        assertArrayEquals(results[0].tokens(), results[1].tokens());
        assertEquals(results[0].sumLogprob(), results[1].sumLogprob(), 1e-3);
        assertTrue(results[0].tokens().length > 1, "the search decoded more than one token");
    }

    private static WhisperDecoder decoder(RandomModelFile model) throws Exception {
        WhisperWeights weights = WhisperWeights.load(GgmlWhisperFile.openComplete(model.path()));
        return new WhisperDecoder(weights, ParallelLoop.of(POOL));
    }

    static DecoderState withAudio(WhisperDecoder d, int frames, long seed) {
        DecoderState s = d.newState();
        s.setAudio(withAudioValues(frames, seed), frames);
        return s;
    }

    /** A random encoder output of {@code frames} frames of the small model's width. */
    static float[] withAudioValues(int frames, long seed) {
        Random r = new Random(seed);
        float[] enc = new float[frames * 64];
        for (int i = 0; i < enc.length; i++) {
            enc[i] = (float) r.nextGaussian();
        }
        return enc;
    }

    /**
     * Three sequences (1500, 900 and 400 frames, prompts of 3, 7 and 1 tokens, two of them recording cross-attention)
     * and their twins: each step the twins step alone, the originals as one batch, both with the twins' greedy tokens.
     * The third sequence joins late, as a session or beam would.
     */
    private static void check(WhisperDecoder d) {
        int[] frames = {1500, 900, 400};
        int[][] prompts = {{50258, 50259, 50359}, {50258, 50260, 50359, 440, 1029, 300, 50364}, {50258}};
        int n = frames.length;
        DecoderState[] batched = new DecoderState[n];
        DecoderState[] single = new DecoderState[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            batched[i] = withAudio(d, frames[i], 10 + i);
            single[i] = withAudio(d, frames[i], 10 + i);
            if (i != 1) {
                batched[i].recordCrossAttention(HEADS);
                single[i].recordCrossAttention(HEADS);
            }
            batched[i].prefill(prompts[i]);
            next[i] = LogProbs.argmax(single[i].prefill(prompts[i]));
        }
        DecoderBatch batch = d.newBatch();
        for (int step = 0; step < 8; step++) {
            int rows = step < 2 ? 2 : 3;
            for (int i = 0; i < rows; i++) {
                single[i].step(next[i]);
            }
            batch.step(batched, next, rows);
            for (int i = 0; i < rows; i++) {
                String where = "step " + step + " row " + i;
                assertEquals(single[i].position(), batched[i].position(), where);
                assertClose(single[i].logits(), batched[i].logits(), where + " logits");
                if (i != 1) {
                    for (int[] lh : HEADS) {
                        assertClose(single[i].crossAttention(lh[0], lh[1]), batched[i].crossAttention(lh[0], lh[1]),
                                where + " attention " + lh[0] + "/" + lh[1]);
                    }
                }
                next[i] = LogProbs.argmax(single[i].logits());
                assertEquals(next[i], LogProbs.argmax(batched[i].logits()), where + " token");
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / scale);
        }
        assertTrue(worst <= TOLERANCE, what + " differs by " + worst);
    }
}
