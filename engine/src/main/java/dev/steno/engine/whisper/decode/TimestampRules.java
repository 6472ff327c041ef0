package dev.steno.engine.whisper.decode;

import java.util.Arrays;

/**
 * Whisper's timestamp rules (OpenAI's {@code ApplyTimestampRules}, whisper.cpp's {@code whisper_process_logits}),
 * applied to the logits of the next token given the tokens sampled so far in this window:
 * <ol>
 *   <li>timestamps come in pairs: after a lone timestamp that followed text, only a timestamp or end-of-text may
 *       come; after a pair, only text (or end-of-text);</li>
 *   <li>timestamps never decrease, and a segment is never empty: a timestamp is at least the last one (closing a
 *       segment) or the last one + 1 (after a pair);</li>
 *   <li>the window starts with a timestamp no later than {@code maxInitialIndex} steps of 20 ms;</li>
 *   <li>optionally, no timestamp lies after the end of the window's audio;</li>
 *   <li>when the timestamps together are more likely than the most likely other token, a timestamp is forced.</li>
 * </ol>
 * Stateless and allocation-free; "text" below means every id before {@code timestampBegin}, specials included, as in
 * the reference.
 */
public final class TimestampRules {
    private final int eot;
    private final int timestampBegin;
    private final int maxInitialIndex;
    private final int maxIndex;

    /**
     * @param eot             the end-of-text id; text tokens are the ids below it
     * @param timestampBegin  the id of {@code <|0.00|>}; every later id is a timestamp
     * @param maxInitialIndex latest allowed first timestamp, in steps after {@code timestampBegin}; negative: none
     */
    public TimestampRules(int eot, int timestampBegin, int maxInitialIndex) {
        this(eot, timestampBegin, maxInitialIndex, -1);
    }

    /**
     * As {@link #TimestampRules(int, int, int)}, also forbidding every timestamp after {@code maxIndex} steps (the end
     * of the window's audio; negative: none). Not in the reference, which pads every window to 30 s: a window shrunk
     * to its audio has no frames to place a later timestamp on.
     */
    public TimestampRules(int eot, int timestampBegin, int maxInitialIndex, int maxIndex) {
        if (eot >= timestampBegin) {
            throw new IllegalArgumentException("eot " + eot + " must precede the timestamps " + timestampBegin);
        }
        this.eot = eot;
        this.timestampBegin = timestampBegin;
        this.maxInitialIndex = maxInitialIndex;
        this.maxIndex = maxIndex;
    }

    /** These rules for a window whose audio lasts {@code seconds}: no timestamp after its end. */
    public TimestampRules forWindow(double seconds) {
        return new TimestampRules(eot, timestampBegin, maxInitialIndex, (int) Math.ceil(seconds / 0.02 - 1e-9));
    }

    /** Applies the rules in place to {@code logits}, given the first {@code count} of {@code sampled}. */
    public void apply(float[] logits, int[] sampled, int count) {
        float neg = Float.NEGATIVE_INFINITY;
        int end = logits.length;
        boolean lastWasTimestamp = count >= 1 && sampled[count - 1] >= timestampBegin;
        boolean penultimateWasTimestamp = count < 2 || sampled[count - 2] >= timestampBegin;
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) {
                Arrays.fill(logits, timestampBegin, end, neg); // after a pair (or at the start): text
            } else {
                Arrays.fill(logits, 0, eot, neg); // closing a segment: a timestamp or end-of-text
            }
        }
        int lastTimestamp = -1;
        for (int i = count - 1; i >= 0; i--) {
            if (sampled[i] >= timestampBegin) {
                lastTimestamp = sampled[i];
                break;
            }
        }
        if (lastTimestamp >= 0) {
            // the closing timestamp may equal the opening one only right after it; otherwise strictly later
            int lowest = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            Arrays.fill(logits, timestampBegin, Math.min(lowest, end), neg);
        }
        if (maxIndex >= 0) {
            Arrays.fill(logits, Math.min(timestampBegin + maxIndex + 1, end), end, neg);
        }
        if (count == 0) {
            Arrays.fill(logits, 0, timestampBegin, neg);
            if (maxInitialIndex >= 0) {
                int lastAllowed = timestampBegin + maxInitialIndex;
                Arrays.fill(logits, Math.min(lastAllowed + 1, end), end, neg);
            }
        }
        // both sides in logit space: subtracting the common log-sum-exp changes neither
        double timestampMass = LogProbs.logSumExp(logits, timestampBegin, end);
        float maxText = neg;
        for (int i = 0; i < timestampBegin; i++) {
            if (logits[i] > maxText) {
                maxText = logits[i];
            }
        }
        if (timestampMass > maxText) {
            Arrays.fill(logits, 0, timestampBegin, neg);
        }
    }
}
