package dev.steno.engine.whisper.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Exact outputs of the timestamp rules on a toy vocabulary: text 0..4, end-of-text 5, specials 6..7, timestamps
 * 8..19 (8 = 0.00 s), first timestamp at most index 3 (60 ms).
 */
class TimestampRulesTest {
    static final float N = Float.NEGATIVE_INFINITY;
    static final int EOT = 5;
    static final int TB = 8;
    final TimestampRules rules = new TimestampRules(EOT, TB, 3);

    /** Text clearly ahead of every timestamp, so the probability-mass rule stays out of the way. */
    static float[] textHeavy() {
        float[] l = new float[20];
        Arrays.fill(l, 0, TB, 5f);
        Arrays.fill(l, TB, 20, -5f);
        return l;
    }

    float[] apply(float[] logits, int... sampled) {
        rules.apply(logits, sampled, sampled.length);
        return logits;
    }

    @Test
    void theWindowStartsWithAnEarlyTimestamp() {
        float[] out = apply(textHeavy());
        float[] expected = {N, N, N, N, N, N, N, N, -5, -5, -5, -5, N, N, N, N, N, N, N, N};
        assertArrayEquals(expected, out);
    }

    @Test
    void noInitialLimitWhenNegative() {
        float[] out = new float[20];
        new TimestampRules(EOT, TB, -1).apply(out, new int[0], 0);
        float[] expected = new float[20];
        Arrays.fill(expected, 0, TB, N);
        assertArrayEquals(expected, out);
    }

    @Test
    void afterTextTimestampsMayNotGoBackwards() {
        // <|0.02|> text: the closing timestamp must be later than 0.02 (no empty segment)
        float[] out = apply(textHeavy(), 9, 2);
        float[] expected = textHeavy();
        expected[8] = N;
        expected[9] = N;
        assertArrayEquals(expected, out);
    }

    @Test
    void aLoneTimestampAfterTextIsFollowedByATimestampOrTheEnd() {
        // <|0.02|> text <|0.08|>: text forbidden (end-of-text and specials allowed), timestamps >= 0.08 allowed
        float[] out = apply(textHeavy(), 9, 2, 12);
        float[] expected = {N, N, N, N, N, 5, 5, 5, N, N, N, N, -5, -5, -5, -5, -5, -5, -5, -5};
        assertArrayEquals(expected, out);
    }

    @Test
    void afterAPairComesText() {
        // <|0.02|> text <|0.08|><|0.08|>: no timestamp at all
        float[] out = apply(textHeavy(), 9, 2, 12, 12);
        float[] expected = textHeavy();
        Arrays.fill(expected, TB, 20, N);
        assertArrayEquals(expected, out);
    }

    @Test
    void timestampsTogetherMoreLikelyThanAnyTextForceATimestamp() {
        // twelve timestamps at 0 each: log-sum-exp = ln 12 = 2.48 > 2 = best text logit, though each is below it
        float[] logits = new float[20];
        Arrays.fill(logits, 0, TB, 2f);
        float[] out = apply(logits, 9, 2);
        float[] expected = new float[20];
        Arrays.fill(expected, 0, TB, N);
        expected[8] = N;
        expected[9] = N;
        // after the monotonicity mask 10 timestamps remain: ln 10 = 2.30 > 2 still
        assertArrayEquals(expected, out);
    }

    @Test
    void textMoreLikelyThanAllTimestampsStays() {
        float[] logits = new float[20];
        Arrays.fill(logits, 0, TB, 2.5f); // ln 10 = 2.30 < 2.5
        float[] out = apply(logits, 9, 2);
        float[] expected = logits.clone();
        expected[8] = N;
        expected[9] = N;
        assertArrayEquals(expected, out);
    }

    @Test
    void noTimestampAfterTheEndOfTheWindow() {
        // a 0.1 s window: timestamps up to index 5 (8..13) allowed after text
        float[] out = textHeavy();
        rules.forWindow(0.1).apply(out, new int[] {9, 2}, 2);
        float[] expected = textHeavy();
        expected[8] = N;
        expected[9] = N;
        Arrays.fill(expected, 14, 20, N);
        assertArrayEquals(expected, out);
    }
}
