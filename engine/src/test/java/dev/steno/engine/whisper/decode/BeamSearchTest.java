package dev.steno.engine.whisper.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Beam search on crafted models: vocabulary 0..7, end-of-text 6, timestamps from 7 (suppressed), prompt [99]. */
class BeamSearchTest {
    static final int EOT = 6;
    static final int VOCAB = 8;
    final LogitFilters filters = new LogitFilters(EOT, 7, new int[0], -1, false, null);

    static float[] logits(double... probs) {
        float[] l = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            l[i] = i < probs.length && probs[i] > 0 ? (float) Math.log(probs[i]) : -30f;
        }
        return l;
    }

    /**
     * A greedy trap: token 0 is likelier first (0.55 vs 0.45), but after it the model is unsure (end-of-text at 0.4),
     * while after token 1 it ends confidently (0.95).
     */
    static float[] trap(List<Integer> t) {
        if (t.size() == 1) {
            return logits(0.55, 0.45);
        }
        int first = t.get(1);
        if (t.size() == 2) {
            return first == 0 ? logits(0, 0, 0.3, 0.3, 0, 0, 0.4) : logits(0, 0, 0.05, 0, 0, 0, 0.95);
        }
        return logits(0, 0, 0, 0, 0, 0, 1);
    }

    static TableState state(Function<List<Integer>, float[]> model) {
        return new TableState(model, 50, List.of(99));
    }

    DecodedSequence greedy(Function<List<Integer>, float[]> model, int maxTokens) {
        TableState s = state(model);
        return new SamplingDecoder(filters, EOT, maxTokens).decode(s, s.logits(), 0, null, null);
    }

    DecodedSequence beam(Function<List<Integer>, float[]> model, int beams, int maxTokens) {
        TableState s = state(model);
        return new BeamSearch(filters, EOT, maxTokens, beams, 1.0, Double.NaN)
                .search(s, s.logits(), () -> state(model));
    }

    @Test
    void beamSearchEscapesTheGreedyTrap() {
        DecodedSequence g = greedy(BeamSearchTest::trap, 10);
        assertArrayEquals(new int[] {0}, g.tokens());
        DecodedSequence b = beam(BeamSearchTest::trap, 2, 10);
        assertArrayEquals(new int[] {1}, b.tokens());
        assertTrue(b.ended());
        assertEquals(Math.log(0.45) + Math.log(0.95), b.sumLogprob(), 1e-5);
        assertTrue(b.sumLogprob() > g.sumLogprob());
    }

    @Test
    void beamOfOneIsGreedyOnRandomModels() {
        for (int seed = 0; seed < 40; seed++) {
            Function<List<Integer>, float[]> model = randomModel(seed);
            DecodedSequence g = greedy(model, 12);
            DecodedSequence b = beam(model, 1, 12);
            assertArrayEquals(g.tokens(), b.tokens(), "seed " + seed);
            assertEquals(g.sumLogprob(), b.sumLogprob(), 1e-9, "seed " + seed);
            assertEquals(g.ended(), b.ended(), "seed " + seed);
        }
    }

    @Test
    void runsOutOfTokensWithTheLiveBeams() {
        Function<List<Integer>, float[]> never = t -> logits(0.5, 0.3, 0.2); // never ends
        DecodedSequence b = beam(never, 3, 4);
        assertFalse(b.ended());
        assertArrayEquals(new int[] {0, 0, 0, 0}, b.tokens());
    }

    @Test
    void stopsWhenTheContextIsFull() {
        Function<List<Integer>, float[]> never = t -> logits(0.5, 0.3, 0.2);
        TableState s = new TableState(never, 4, List.of(99)); // room for 3 sampled tokens
        DecodedSequence b = new BeamSearch(filters, EOT, 100, 3, 1.0, Double.NaN)
                .search(s, s.logits(), () -> new TableState(never, 4, List.of(99)));
        // 3 tokens fill the context; the logits after them still choose a 4th, which is never fed back (whisper.cpp)
        assertEquals(4, b.length());
        assertFalse(b.ended());
        DecodedSequence g = new SamplingDecoder(filters, EOT, 100)
                .decode(new TableState(never, 4, List.of(99)), s.logits(), 0, null, null);
        assertArrayEquals(g.tokens(), b.tokens());
    }

    @Test
    void forksOnlyWhenABeamHasSeveralChildren() {
        TableState root = state(BeamSearchTest::trap);
        int[] created = {0};
        new BeamSearch(filters, EOT, 10, 2, 1.0, Double.NaN).search(root, root.logits(), () -> {
            created[0]++;
            return state(BeamSearchTest::trap);
        });
        assertEquals(1, created[0], "beam 2 needs one extra state");
    }

    @Test
    void topKOrdersByValueThenIndex() {
        float[] v = {1, 3, Float.NEGATIVE_INFINITY, 3, 2, 0};
        assertArrayEquals(new int[] {1, 3, 4}, BeamSearch.topK(v, 3));
        assertArrayEquals(new int[] {1, 3, 4, 0, 5}, BeamSearch.topK(v, 9));
    }

    /** Logits drawn from a seeded generator per prefix: a different random "language model" per seed. */
    static Function<List<Integer>, float[]> randomModel(long seed) {
        return t -> {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + t.hashCode());
            float[] l = new float[VOCAB];
            for (int i = 0; i < VOCAB; i++) {
                l[i] = (float) (r.nextGaussian() * 2);
            }
            l[EOT] += t.size() * 0.4f; // ends eventually
            return l;
        };
    }
}
