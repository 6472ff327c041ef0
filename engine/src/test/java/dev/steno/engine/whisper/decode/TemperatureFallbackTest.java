package dev.steno.engine.whisper.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Temperature fallback on crafted models: vocabulary 0..7 (token i is the word "wi "), end-of-text 6. */
class TemperatureFallbackTest {
    static final int EOT = 6;
    final LogitFilters filters = new LogitFilters(EOT, 7, new int[0], -1, false, null);
    static final Function<int[], String> TEXT = t -> {
        StringBuilder sb = new StringBuilder();
        for (int x : t) {
            sb.append('w').append(x).append(' ');
        }
        return sb.toString();
    };
    static final List<Double> LADDER = List.of(0.0, 0.5, 1.0);

    static TableState state(Function<List<Integer>, float[]> model) {
        return new TableState(model, 100, List.of(99));
    }

    TemperatureFallback.Result run(DecodingOptions options, Function<List<Integer>, float[]> model,
                                   double noSpeech) {
        TableState root = state(model);
        return new TemperatureFallback(options, filters, EOT, 40, TEXT)
                .decode(root, 1, root.logits(), noSpeech, () -> state(model), null);
    }

    /** Uncertain: six text tokens about equally likely, ending after five tokens. */
    static float[] flat(List<Integer> t) {
        float[] l = new float[8];
        l[7] = Float.NEGATIVE_INFINITY;
        if (t.size() > 5) {
            l[EOT] = 10;
        } else {
            l[EOT] = -10;
        }
        return l;
    }

    /** Confident: "w0 w1 w2 w3" then the end, each at probability ~0.99. */
    static float[] confident(List<Integer> t) {
        float[] l = new float[8];
        Arrays.fill(l, -5);
        l[t.size() > 4 ? EOT : t.size() - 1] = 5;
        return l;
    }

    /** Confidently stuck: "w0 w0 w0 ..." and never the end. */
    static float[] loop(List<Integer> t) {
        float[] l = new float[8];
        Arrays.fill(l, -1);
        l[0] = 4;
        l[EOT] = -50;
        return l;
    }

    static DecodingOptions options(double ratio, double logprob, double noSpeech) {
        return DecodingOptions.greedy().withTemperatures(LADDER).withBestOf(3).withThresholds(ratio, logprob, noSpeech);
    }

    @Test
    void aGoodResultStopsAtTheFirstTemperature() {
        TemperatureFallback.Result r = run(options(2.4, -1.0, 0.6), TemperatureFallbackTest::confident, 0.01);
        assertEquals(1, r.attempts());
        assertEquals(0.0, r.temperature());
        assertArrayEquals(new int[] {0, 1, 2, 3}, r.sequence().tokens());
        assertTrue(r.avgLogprob() > -0.1);
    }

    @Test
    void aLowLogprobFallsBackThroughEveryTemperature() {
        TemperatureFallback.Result r = run(options(Double.NaN, -1.0, 0.6), TemperatureFallbackTest::flat, 0.01);
        // every path has avg log-probability about ln(1/6) * 5/6 = -1.5 < -1: all temperatures fail, the last stands
        assertTrue(r.avgLogprob() < -1.0, "avg " + r.avgLogprob());
        assertEquals(3, r.attempts());
        assertEquals(1.0, r.temperature());
    }

    @Test
    void aRepetitionLoopFallsBack() {
        TemperatureFallback.Result r = run(options(2.4, Double.NaN, Double.NaN), TemperatureFallbackTest::loop, 0.01);
        assertTrue(r.attempts() >= 2, "greedy loops w0 forever: ratio > 2.4");
        assertTrue(r.temperature() > 0);
    }

    @Test
    void silenceIsNotRetried() {
        TemperatureFallback.Result r = run(options(Double.NaN, -1.0, 0.6), TemperatureFallbackTest::flat, 0.9);
        assertEquals(1, r.attempts(), "no-speech 0.9 and a low logprob: silence, nothing to find at other temperatures");
    }

    @Test
    void samplingIsReproducibleForASeedAndDiffersAcrossSeeds() {
        DecodingOptions o = options(Double.NaN, Double.NaN, Double.NaN).withTemperatures(List.of(1.0));
        int[] a = run(o.withSeed(7), TemperatureFallbackTest::flat, 0).sequence().tokens();
        int[] b = run(o.withSeed(7), TemperatureFallbackTest::flat, 0).sequence().tokens();
        int[] c = run(o.withSeed(8), TemperatureFallbackTest::flat, 0).sequence().tokens();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "6^5 equally likely sequences: different seeds differ");
        assertFalse(Arrays.equals(a, new int[] {0, 0, 0, 0, 0}), "sampled, not the argmax");
    }

    @Test
    void bestOfKeepsTheHighestScoringSample() {
        // five tokens then the end; at temperature 1 token 0 is likelier, so more samples never score lower
        Function<List<Integer>, float[]> skewed = t -> {
            float[] l = flat(t);
            l[0] += 1.5f;
            return l;
        };
        DecodingOptions one = options(Double.NaN, Double.NaN, Double.NaN).withTemperatures(List.of(1.0)).withBestOf(1);
        double best1 = run(one.withSeed(3), skewed, 0).sequence().score(Double.NaN);
        double best5 = run(one.withBestOf(5).withSeed(3), skewed, 0).sequence().score(Double.NaN);
        assertTrue(best5 >= best1, best5 + " < " + best1 + ": the first of the five samples is the best-of-1 sample");
    }
}
