package dev.steno.jitsi.rtp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Counts dropped datagrams per {@link DropReason} and logs them at a bounded rate: the first drop of a reason at once,
 * then at most one line per reason per interval, carrying how many were dropped meanwhile. A flood of bad packets
 * thus costs a counter increment each, not a log line each.
 */
public final class DropStats {
    private static final System.Logger LOG = System.getLogger(DropStats.class.getName());
    private static final DropReason[] REASONS = DropReason.values();

    private final AtomicLongArray counts = new AtomicLongArray(REASONS.length);
    private final AtomicLongArray loggedCounts = new AtomicLongArray(REASONS.length);
    private final AtomicLongArray nextLog = new AtomicLongArray(REASONS.length);
    private final long intervalNanos;
    private final LongSupplier clock;

    /** Logs each reason at most once per {@code intervalNanos} of {@code clock}. */
    public DropStats(long intervalNanos, LongSupplier clock) {
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        for (int i = 0; i < REASONS.length; i++) {
            nextLog.set(i, Long.MIN_VALUE);
        }
    }

    /**
     * Counts one drop; logs it when the reason's interval is over.
     *
     * @param port   the local port it arrived on
     * @param ssrc   its SSRC, or -1 when unknown
     * @param detail extra text (may be null); only formatted when logged
     * @return whether this drop was logged
     */
    public boolean drop(DropReason reason, int port, long ssrc, Object detail) {
        int i = reason.ordinal();
        long total = counts.incrementAndGet(i);
        if (reason == DropReason.RTCP) {
            return false; // expected with rtcp-mux; counted, never logged
        }
        long now = clock.getAsLong();
        long due = nextLog.get(i);
        if (due != Long.MIN_VALUE && now - due < 0) {
            return false;
        }
        if (!nextLog.compareAndSet(i, due, now + intervalNanos)) {
            return false;
        }
        long since = total - loggedCounts.getAndSet(i, total);
        LOG.log(System.Logger.Level.WARNING, "RTP drop on port {0}: {1}{2}{3} ({4} dropped for this reason since the"
                        + " last report, {5} in all)", Integer.toString(port), reason.text(),
                ssrc >= 0 ? ", SSRC 0x" + Long.toHexString(ssrc) : "", detail == null ? "" : ", " + detail, Long.toString(since), Long.toString(total));
        return true;
    }

    /** Drops so far for one reason. */
    public long count(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    /** All non-zero counts. */
    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            long c = counts.get(r.ordinal());
            if (c > 0) {
                m.put(r, c);
            }
        }
        return m;
    }
}
