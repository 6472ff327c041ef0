package dev.steno.jitsi.webrtc;

import dev.steno.jitsi.rtp.DropReason;
import dev.steno.jitsi.rtp.ReceptionStats;
import dev.steno.jitsi.rtp.RtcpPackets;
import dev.steno.jitsi.rtp.RtpHeader;
import dev.steno.jitsi.rtp.SrtcpReceiver;
import dev.steno.jitsi.rtp.SrtcpSender;
import dev.steno.jitsi.rtp.SrtpKey;

/**
 * The RTCP of one WHIP session: it keeps reception statistics of the publisher's audio, reads the publisher's
 * sender reports, and writes Steno's receiver reports (RR + SDES, SRTCP under Steno's DTLS-SRTP key). The
 * reports are what tell a browser's Opus encoder the loss it should protect against with in-band FEC, and they
 * give the publisher Steno's view of the link (loss, jitter, round trip; {@code remote-inbound-rtp} in a browser's
 * statistics). Thread-safe: packets arrive on the session's receive thread, reports are written on the timer.
 */
final class WhipFeedback implements AutoCloseable {
    /** Opus's RTP clock (RFC 7587). */
    private static final int CLOCK_RATE = 48_000;

    private final long ownSsrc;
    private final String cname;
    private final SrtcpSender sender;
    private final SrtcpReceiver receiver;
    private final RtpHeader header = new RtpHeader();
    private ReceptionStats stats;
    private long rejectedRtcp;
    private long senderReports;
    private long reportsSent;
    private ReceptionStats.ReportBlock lastReport;
    private boolean closed;

    /**
     * @param ownSsrc      the SSRC Steno's reports come from (it sends no media under it)
     * @param cname        Steno's canonical name in the reports
     * @param publisherKey the publisher's SRTP key (its SRTCP is under it)
     * @param serverKey    Steno's own SRTP key
     */
    WhipFeedback(long ownSsrc, String cname, SrtpKey publisherKey, SrtpKey serverKey) {
        this.ownSsrc = ownSsrc;
        this.cname = cname;
        this.sender = new SrtcpSender(serverKey, ownSsrc);
        this.receiver = new SrtcpReceiver(publisherKey);
    }

    /**
     * Counts an RTP packet the ingest has seen. Only packets that passed SRTP authentication count, so forged
     * ones cannot skew the statistics.
     *
     * @param verdict what the ingest did with it (null: accepted)
     */
    synchronized void rtp(byte[] buf, int off, int len, DropReason verdict, long arrivalNanos) {
        boolean authenticated = verdict == null || verdict == DropReason.DUPLICATE
                || verdict == DropReason.TOO_LATE || verdict == DropReason.OVERLOAD;
        if (closed || !authenticated || header.parse(buf, off, len) != null) {
            return;
        }
        if (stats == null || stats.ssrc() != header.ssrc()) {
            stats = new ReceptionStats(header.ssrc(), CLOCK_RATE); // WHIP publishes one audio source
        }
        stats.packet(header.sequence(), header.timestamp(), arrivalNanos);
    }

    /** Reads one SRTCP datagram of the publisher; the buffer is decrypted in place. */
    synchronized void rtcp(byte[] buf, int off, int len, long arrivalNanos) {
        if (closed) {
            return;
        }
        int plain = receiver.decrypt(buf, off, len);
        if (plain < 0) {
            rejectedRtcp++;
            return;
        }
        try {
            RtcpPackets.SenderReport sr = RtcpPackets.firstSenderReport(buf, off, plain);
            if (sr != null && stats != null && sr.ssrc() == stats.ssrc()) {
                stats.senderReport(sr.ntpMiddle32(), arrivalNanos);
                senderReports++;
            }
        } catch (IllegalArgumentException malformed) {
            rejectedRtcp++;
        }
    }

    /** The SRTCP receiver report to send now, or null before any audio arrived and after {@link #close}. */
    synchronized byte[] report(long nowNanos) {
        ReceptionStats.ReportBlock block = closed || stats == null ? null : stats.report(nowNanos);
        if (block == null) {
            return null;
        }
        lastReport = block;
        reportsSent++;
        return sender.encrypt(RtcpPackets.receiverReport(ownSsrc, block, cname));
    }

    /** Receiver reports written. */
    synchronized long reportsSent() {
        return reportsSent;
    }

    /** Packets lost as of the last report (RFC 3550's cumulative count), 0 before it. */
    synchronized int lost() {
        return lastReport == null ? 0 : lastReport.cumulativeLost();
    }

    /** Sender reports read from the publisher. */
    synchronized long senderReports() {
        return senderReports;
    }

    /** SRTCP datagrams that failed authentication or were malformed. */
    synchronized long rejectedRtcp() {
        return rejectedRtcp;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sender.close();
        receiver.close();
    }
}
