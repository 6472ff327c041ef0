package dev.steno.engine.audio;

/**
 * How an {@link OpusPacketDecoder} treats a gap in a stream's timestamps: lost packets and a paused sender are filled
 * so that later audio stays in place; a clock reset is not.
 *
 * <p>A gap is measured on the 48 kHz Opus clock, from where the audio decoded so far ends to where the next packet
 * starts. Up to half the last frame (at least 2.5 ms) either way is {@linkplain Gap#JITTER jitter}: nothing is filled.
 * A longer gap forward, up to {@code maxGapMs}, is {@linkplain Gap#LOSS loss}: its last frame comes from the next
 * packet's in-band FEC when {@code fec} is on and the packet can carry it, then Opus packet loss concealment (which
 * fades the last sound out naturally) covers up to {@code maxConcealedMs}, and silence the rest. Anything else (a
 * longer jump forward, or any jump backward) is a {@linkplain Gap#RESET reset} of the sender's clock: nothing is
 * filled and timing goes on from that packet, which also keeps a damaged timestamp from producing hours of silence.
 *
 * @param maxConcealedMs  longest part of a gap (after FEC) filled by concealment, 0 or more; the rest is silence
 * @param maxGapMs        longest forward jump filled at all, at least {@code maxConcealedMs}
 * @param fec             whether the frame just before a packet is decoded from that packet's in-band FEC (LBRR)
 * @param exactTimestamps whether every packet's timestamp is sample-exact (RTP), so that a packet within the jitter
 *                        tolerance re-anchors the timing; rounded timestamps (milliseconds) keep the first anchor
 *                        instead, so that their rounding cannot add up
 */
public record Concealment(int maxConcealedMs, int maxGapMs, boolean fec, boolean exactTimestamps) {
    /** Concealment and FEC come in multiples of 2.5 ms, Opus's shortest frame: 120 samples at 48 kHz. */
    public static final int STEP = 120;

    /**
     * Millisecond timestamps (WebM from browsers, the videobridge's media events): up to 1 s concealed, 10 s filled,
     * no FEC.
     */
    public static final Concealment MILLISECOND_TIMESTAMPS = new Concealment(1000, 10_000, false, false);

    private static final int SAMPLES_PER_MS = 48;

    /** What a gap before a packet is taken for. */
    public enum Gap {
        /** Within the tolerance: nothing is filled. */
        JITTER,
        /** Lost or paused audio: filled with FEC, concealment and silence. */
        LOSS,
        /** A reset of the sender's clock: nothing is filled, timing restarts at the packet. */
        RESET
    }

    /** Checks the limits. */
    public Concealment {
        if (maxConcealedMs < 0 || maxGapMs < maxConcealedMs) {
            throw new IllegalArgumentException("need 0 <= maxConcealedMs <= maxGapMs, got " + maxConcealedMs + " and "
                    + maxGapMs);
        }
    }

    /**
     * What a gap is.
     *
     * @param gap       48 kHz samples from where the decoded audio ends to where the packet starts; negative backwards
     * @param lastFrame samples the previous packet decoded to
     */
    public Gap classify(long gap, int lastFrame) {
        long tolerance = Math.max(lastFrame / 2, STEP);
        if (gap > tolerance && gap <= (long) maxGapMs * SAMPLES_PER_MS) {
            return Gap.LOSS;
        }
        return gap > tolerance || gap < -tolerance ? Gap.RESET : Gap.JITTER;
    }

    /**
     * How many samples at the end of a lost stretch come from the next packet's FEC: the frame before the packet
     * (at most the gap), in whole steps; 0 without FEC.
     *
     * @param gap              the lost stretch, 48 kHz samples
     * @param lastFrame        samples the previous packet decoded to
     * @param packetCarriesFec whether the next packet can carry FEC (a SILK or hybrid packet)
     */
    public int fecSamples(int gap, int lastFrame, boolean packetCarriesFec) {
        return fec && packetCarriesFec ? Math.min(gap, lastFrame) / STEP * STEP : 0;
    }

    /** How many samples of {@code rest}, a lost stretch less its FEC part, are concealed; the remainder is silence. */
    public int concealedSamples(int rest) {
        return Math.min(rest, maxConcealedMs * SAMPLES_PER_MS) / STEP * STEP;
    }
}
