package dev.steno.engine.policy.alignatt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.whisper.CrossAttentionAlignment;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionTrackerTest {
    /** A decoder double whose last feed returns fixed rows {@code [head][row][frame]}. */
    private static AlignAttModel.Decoder rows(float[][][] feed) {
        return new AlignAttModel.Decoder() {
            @Override
            public void setAudio(AlignAttModel.EncodedAudio audio) {
            }

            @Override
            public float[] feed(int[] tokens) {
                return new float[0];
            }

            @Override
            public void attention(int head, int row, float[] into, int frames) {
                System.arraycopy(feed[head][row], 0, into, 0, frames);
            }

            @Override
            public int position() {
                return 0;
            }

            @Override
            public void copyFrom(AlignAttModel.Decoder other) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void releaseAudio() {
            }
        };
    }

    @Test
    void incrementalStatisticsGiveTheSameFrameAsTheWholeMatrix() {
        Random rnd = new Random(3);
        int heads = 3;
        int frames = 120;
        int content = 100;
        int tokens = 40;
        float[][][] all = new float[heads][tokens][frames];
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < tokens; t++) {
                int peak = rnd.nextInt(content);
                for (int f = 0; f < frames; f++) {
                    all[h][t][f] = (float) (rnd.nextDouble() * 1e-3 + Math.exp(-Math.pow(f - peak, 2) / 50.0));
                }
            }
        }
        AttentionTracker tracker = new AttentionTracker(heads);
        tracker.start(content);
        // a batched prefix of 25 rows, then one row per call, as the policy feeds the decoder
        int prefix = 25;
        float[][][] first = new float[heads][prefix][];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(all[h], 0, first[h], 0, prefix);
        }
        int got = tracker.addFeed(rows(first), prefix);
        assertEquals(expected(all, prefix, content), got);
        for (int t = prefix; t < tokens; t++) {
            float[][][] one = new float[heads][1][];
            for (int h = 0; h < heads; h++) {
                one[h][0] = all[h][t];
            }
            assertEquals(expected(all, t + 1, content), tracker.addFeed(rows(one), 1), "token " + t);
        }
        assertEquals(tokens, tracker.rows());
    }

    /** The reference: normalise the first {@code n} rows as a whole, take the argmax of the last one. */
    private static int expected(float[][][] all, int n, int content) {
        float[][][] w = new float[all.length][n][];
        for (int h = 0; h < all.length; h++) {
            System.arraycopy(all[h], 0, w[h], 0, n);
        }
        float[][] matrix = CrossAttentionAlignment.alignmentMatrix(w, content);
        return CrossAttentionAlignment.mostAttendedFrame(matrix, n - 1);
    }

    @Test
    void utf8CompletenessHoldsBackOnlyCutCharacters() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        assertTrue(TokenUnits.complete("abc".getBytes(StandardCharsets.UTF_8), 3));
        assertTrue(TokenUnits.complete(e, 2));
        assertFalse(TokenUnits.complete(e, 1));
        assertFalse(TokenUnits.complete(euro, 2));
        assertTrue(TokenUnits.complete(euro, 3));
        assertFalse(TokenUnits.complete(emoji, 3));
        assertTrue(TokenUnits.complete(emoji, 4));
        assertTrue(TokenUnits.complete(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80}, 4),
                "malformed bytes are not held back forever");
    }
}
