package dev.steno.jitsi.rtp;

/**
 * What a receiver knows about one RTP source, kept as RFC 3550 appendix A says, for its receiver reports: the
 * extended highest sequence number (A.1, with the jump and restart rules), packets expected and lost overall and
 * since the last report (A.3), interarrival jitter (A.8) and the last sender report's time (section 6.4.1). Not
 * thread-safe: the owner serialises packet arrivals and reports.
 */
public final class ReceptionStats {
    /** A.1: a forward jump this large is a restart of the sender, not loss (unless confirmed by the next packet). */
    private static final int MAX_DROPOUT = 3000;
    /** A.1: packets this far behind the highest are late duplicates or old; further back is a restart. */
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private final long ssrc;
    private final int clockRate;

    private boolean started;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq = SEQ_MOD + 1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;

    private boolean haveTransit;
    private long lastTransit;
    /** Interarrival jitter in timestamp units, kept as a double so the 1/16 gain does not round away. */
    private double jitter;

    private long lastSenderReport;
    private long lastSenderReportNanos;

    /**
     * A report block (RFC 3550 section 6.4.1) about one source.
     *
     * @param ssrc               the source reported on
     * @param fractionLost       packets lost since the previous report, as a fraction of 256
     * @param cumulativeLost     packets lost since the start (24-bit signed: duplicates can make it negative)
     * @param extendedHighestSeq cycles of the 16-bit sequence number times 65536 plus the highest seen
     * @param jitter             interarrival jitter in timestamp units
     * @param lastSenderReport   the middle 32 bits of the last sender report's NTP time, 0 when none was received
     * @param delaySinceLast     time since that report, in units of 1/65536 s, 0 when none was received
     */
    public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSeq, long jitter,
                              long lastSenderReport, long delaySinceLast) {
    }

    /**
     * @param ssrc      the source
     * @param clockRate its RTP clock (48000 for Opus)
     */
    public ReceptionStats(long ssrc, int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /** The source reported on. */
    public long ssrc() {
        return ssrc;
    }

    /** Packets received (duplicates included, as RFC 3550 counts them). */
    public long received() {
        return received;
    }

    /**
     * Records one authenticated packet.
     *
     * @param sequence     its 16-bit sequence number
     * @param timestamp    its RTP timestamp
     * @param arrivalNanos when it arrived, on a monotonic clock
     */
    public void packet(int sequence, long timestamp, long arrivalNanos) {
        if (!started) {
            restart(sequence);
            started = true;
        } else if (!updateSequence(sequence)) {
            return; // not counted: a jump that the next packet has not confirmed yet
        }
        received++;
        // A.8: transit time in timestamp units; only differences matter, so the clocks need no common origin
        long arrival = Math.floorDiv(arrivalNanos * clockRate, 1_000_000_000L);
        long transit = arrival - timestamp;
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            jitter += (d - jitter) / 16.0;
        }
        lastTransit = transit;
        haveTransit = true;
    }

    /** Notes a sender report from this source: the middle 32 bits of its NTP time, and when it arrived. */
    public void senderReport(long ntpMiddle32, long arrivalNanos) {
        lastSenderReport = ntpMiddle32 & 0xFFFFFFFFL;
        lastSenderReportNanos = arrivalNanos;
    }

    /**
     * The report block for a receiver report sent now; starts the next reporting interval.
     *
     * @return null before the first packet
     */
    public ReportBlock report(long nowNanos) {
        if (!started) {
            return null;
        }
        long extendedMax = cycles + maxSeq;
        long expected = extendedMax - baseSeq + 1;
        long lost = expected - received;
        int cumulative = (int) Math.max(-0x800000, Math.min(0x7FFFFF, lost));
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        expectedPrior = expected;
        receivedPrior = received;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long delay = 0;
        if (lastSenderReport != 0) {
            delay = Math.max(0, (nowNanos - lastSenderReportNanos) * 65536 / 1_000_000_000L) & 0xFFFFFFFFL;
        }
        return new ReportBlock(ssrc, Math.min(fraction, 255), cumulative, extendedMax & 0xFFFFFFFFL, (long) jitter,
                lastSenderReport, delay);
    }

    private void restart(int sequence) {
        maxSeq = sequence;
        baseSeq = sequence;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        haveTransit = false;
    }

    /** RFC 3550 A.1 {@code update_seq}, without the probation the authenticated SRTP stream does not need. */
    private boolean updateSequence(int sequence) {
        int delta = (sequence - maxSeq) & 0xFFFF;
        if (delta < MAX_DROPOUT) {
            if (sequence < maxSeq) {
                cycles += SEQ_MOD; // wrapped
            }
            maxSeq = sequence;
        } else if (delta <= SEQ_MOD - MAX_MISORDER) {
            // a very large jump: believe it only when the next packet follows on from it
            if (sequence == badSeq) {
                restart(sequence);
            } else {
                badSeq = (sequence + 1) & 0xFFFF;
                return false;
            }
        }
        // else: a duplicate or a reordered packet, counted but not the new maximum
        return true;
    }
}
