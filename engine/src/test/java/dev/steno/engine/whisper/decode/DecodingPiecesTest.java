package dev.steno.engine.whisper.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact results of the small pieces on crafted inputs. */
class DecodingPiecesTest {
    @Test
    void noSpeechProbabilityIsTheSoftmaxAtItsToken() {
        float[] logits = {0, (float) Math.log(3), Float.NEGATIVE_INFINITY, 0};
        assertEquals(0.6, NoSpeech.probability(logits, 1), 1e-7);
        assertEquals(0.2, NoSpeech.probability(logits, 3), 1e-7);
    }

    @Test
    void silenceNeedsBothAHighNoSpeechProbabilityAndALowLogprob() {
        assertTrue(NoSpeech.isSilence(0.7, -1.5, 0.6, -1.0));
        assertFalse(NoSpeech.isSilence(0.5, -1.5, 0.6, -1.0), "speech is likely");
        assertFalse(NoSpeech.isSilence(0.7, -0.5, 0.6, -1.0), "confident text survives");
        assertTrue(NoSpeech.isSilence(0.7, -0.5, 0.6, Double.NaN), "no logprob threshold: probability alone");
        assertFalse(NoSpeech.isSilence(0.99, -5, Double.NaN, -1.0), "no no-speech threshold: never silence");
    }

    @Test
    void languageIsTheArgmaxAmongLanguageTokensOnly() {
        float[] logits = {9, 1, 3, 2, 3, 8};
        LanguageDetector.Detected d = LanguageDetector.detect(logits, new int[] {1, 2, 3, 4});
        assertEquals(2, d.token(), "token 0 and 5 are not languages; 2 and 4 tie, the lower id wins");
        double z = Math.exp(1) + 2 * Math.exp(3) + Math.exp(2);
        assertEquals(Math.exp(3) / z, d.probability(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> LanguageDetector.detect(logits, new int[0]));
    }

    @Test
    void repetitionCompressesWellAndSpeechDoesNot() {
        assertEquals(0, CompressionRatio.of(""));
        double loop = CompressionRatio.of("Mick ".repeat(60));
        double speech = CompressionRatio.of("And so my fellow Americans, ask not what your country can do for you, "
                + "ask what you can do for your country.");
        assertTrue(loop > 2.4, "loop " + loop);
        assertTrue(speech < 2.4, "speech " + speech);
    }

    @Test
    void segmentsSplitAtTimestampPairs() {
        int tb = 100; // <|0.00|>
        // <|0.00|> 1 2 <|1.00|><|1.00|> 3 <|2.50|> end
        int[] tokens = {100, 1, 2, 150, 150, 3, 225};
        assertEquals(List.of(new TimestampSegments.Span(1, 3, 0.0, 1.0), new TimestampSegments.Span(5, 6, 1.0, 2.5)),
                TimestampSegments.split(tokens, tb, 10));
    }

    @Test
    void anOpenSegmentRunsToTheEndAndTimesAreClipped() {
        int tb = 100;
        int[] tokens = {110, 1, 2, 500, 500, 4};
        List<TimestampSegments.Span> spans = TimestampSegments.split(tokens, tb, 3.0);
        assertEquals(List.of(new TimestampSegments.Span(1, 3, 0.2, 3.0), new TimestampSegments.Span(5, 6, 3.0, 3.0)),
                spans);
        assertEquals(List.of(new TimestampSegments.Span(0, 2, 0, 3.0)),
                TimestampSegments.split(new int[] {5, 6}, tb, 3.0), "text without timestamps is one segment");
        assertEquals(List.of(), TimestampSegments.split(new int[] {100, 150}, tb, 3.0), "no text, no segment");
    }

    @Test
    void sequenceFigures() {
        DecodedSequence s = new DecodedSequence(new int[] {1, 2, 3}, -2.0, true);
        assertEquals(-0.5, s.avgLogprob(), 1e-12, "end-of-text counts in the average");
        assertEquals(-2.0 / 3, s.score(Double.NaN), 1e-12);
        assertEquals(-2.0 / Math.pow(8 / 6.0, 1.0), s.score(1.0), 1e-12);
        assertEquals(-1.0, new DecodedSequence(new int[0], -1.0, true).score(Double.NaN), 1e-12);
    }

    @Test
    void optionsCheckTheirValues() {
        assertThrows(IllegalArgumentException.class, () -> DecodingOptions.greedy().withBeamSize(0));
        assertThrows(IllegalArgumentException.class, () -> DecodingOptions.greedy().withTemperatures(List.of()));
        assertThrows(IllegalArgumentException.class, () -> DecodingOptions.greedy().withTemperatures(List.of(-0.1)));
        assertEquals(50, DecodingOptions.greedy().maxInitialTimestampIndex());
        DecodingOptions d = DecodingOptions.whisperDefaults();
        assertTrue(d.timestamps());
        assertEquals(5, d.beamSize());
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), d.temperatures());
    }

    @Test
    void vectorisedLogSumExpMatchesAScalarReference() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int n : new int[] {1, 7, 16, 33, 1000, 51865}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * 8);
            }
            int from = n > 3 ? 3 : 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = from; i < n; i++) {
                max = Math.max(max, v[i]);
            }
            double sum = 0;
            for (int i = from; i < n; i++) {
                sum += Math.exp(v[i] - max);
            }
            double expected = max == Double.NEGATIVE_INFINITY ? max : max + Math.log(sum);
            assertEquals(expected, LogProbs.logSumExp(v, from, n), 1e-5, "n " + n);
        }
        float[] none = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertEquals(Double.NEGATIVE_INFINITY, LogProbs.logSumExp(none));
    }
}
