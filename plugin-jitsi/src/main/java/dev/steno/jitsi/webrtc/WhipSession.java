package dev.steno.jitsi.webrtc;

import dev.steno.jitsi.rtp.DropReason;
import dev.steno.jitsi.rtp.ParticipantAudioSink;
import dev.steno.jitsi.rtp.RtpHeader;
import dev.steno.jitsi.rtp.SrtpKey;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.ice4j.ice.CandidatePair;
import org.ice4j.util.Buffer;

/**
 * One WHIP publisher: ICE, then the DTLS handshake, then SRTP into the shared RTP ingest. Its datagrams are split by
 * their first byte (RFC 7983): 20-63 DTLS, 128-191 RTP/RTCP; they are pushed by the shared listeners' thread
 * ({@link IceListeners}), or, for a session with sockets of its own (TURN), read by a virtual thread. A virtual
 * thread runs the blocking parts: it waits for ICE, runs BouncyCastle's DTLS handshake, then waits for DTLS records
 * (to hear close_notify); parked, it holds no platform thread. Once connected, the ingest's timer has the session send
 * a receiver report about every second ({@link WhipFeedback}).
 * The session ends on DELETE, on a failed or timed-out setup, on close_notify, when consent expires (nothing heard
 * for the consent timeout), or when the server stops; its audio is played out and its sink hears the end.
 */
final class WhipSession {
    private static final System.Logger LOG = System.getLogger(WhipSession.class.getName());
    /** Mean time between receiver reports: loss feedback reaches the publisher's encoder within about a second. */
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The name Steno's RTCP carries. */
    private static final String CNAME = "steno";

    /** Where the session is. */
    enum State { CONNECTING, CONNECTED, ENDED }

    final String id;
    final SdpOffer offer;
    final WhipOptions options;
    final String meeting;
    final String participant;
    final ParticipantAudioSink sink;
    final IceConnection ice;
    /** The lowest local ICE port (for operators). */
    final int port;
    /**
     * Names the session to the shared RTP ingest where the RTP taps use a UDP port: unique among live sessions,
     * unlike ports, which sessions set up at the same moment on different interfaces may share.
     */
    final int key;
    final String answer;

    private final WhipIngest owner;
    private final DtlsSrtpServer dtls;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * DTLS datagrams on their way to the handshake; bounded, so a flood of DTLS garbage costs dropped datagrams, not
     * memory. They may arrive before the handshake starts (the first ClientHello right after ICE), hence here.
     */
    private final BlockingQueue<byte[]> dtlsInbound = new ArrayBlockingQueue<>(32);
    private final long createdMillis;
    private volatile IceDatagramTransport transport;
    private volatile WhipFeedback feedback;
    /** Only the timer reads and writes it. */
    private long nextReportNanos;
    private volatile boolean attached;
    private volatile State state = State.CONNECTING;
    private volatile String endReason;
    private volatile long lastHeardMillis;
    private volatile long packets;
    /** Set while the RTP ingest has a stream for this session (between the sink's start and end). */
    volatile boolean streamLive;
    private Thread sessionThread;
    private Thread receiveThread;

    /**
     * @param shared the shared listeners, or null for ICE sockets of the session's own (TURN)
     * @throws IOException when ICE has no candidates to offer
     */
    WhipSession(WhipIngest owner, String id, int key, SdpOffer offer, WhipOptions options, ParticipantAudioSink sink,
                IceListeners shared, DtlsCertificate certificate, BcTlsCrypto crypto) throws IOException {
        this.key = key;
        this.owner = owner;
        this.id = id;
        this.offer = offer;
        this.options = options;
        this.meeting = options.meeting() != null ? options.meeting() : owner.config().meetingPrefix() + "-" + id;
        this.participant = options.participant() != null ? options.participant() : "whip-" + id;
        this.sink = sink;
        this.ice = new IceConnection(owner.config(), offer, shared, this::pushed);
        try {
            this.port = ice.localPort();
            this.dtls = new DtlsSrtpServer(crypto, certificate, offer.fingerprint(),
                    (int) owner.config().setupTimeout().toMillis());
            this.answer = SdpAnswer.build(offer, ice.localUfrag(), ice.localPassword(), certificate.fingerprint(),
                    ice.localCandidates(), Math.abs(id.hashCode()));
        } catch (RuntimeException e) {
            ice.close();
            throw e;
        }
        this.createdMillis = System.currentTimeMillis();
        this.lastHeardMillis = createdMillis;
    }

    /** Starts ICE and the session thread. */
    void start() {
        ice.start();
        sessionThread = Thread.ofVirtual().name("steno-whip-" + id).start(this::run);
    }

    private void run() {
        try {
            CandidatePair pair = ice.awaitConnected(owner.config().setupTimeout().toMillis());
            if (closed.get()) {
                return;
            }
            IceDatagramTransport t = new IceDatagramTransport(dtlsInbound, pair.getIceSocketWrapper(),
                    pair.getRemoteCandidate().getTransportAddress(), this::dtlsClosed);
            transport = t;
            DatagramSocket socket = ice.socket();
            if (socket != null) {
                receiveThread = Thread.ofVirtual().name("steno-whip-rx-" + id).start(() -> receive(socket));
            }
            DTLSTransport secure = new DTLSServerProtocol().accept(dtls, t);
            SrtpKey key = dtls.publisherKey();
            if (closed.get() || key == null) {
                return;
            }
            feedback = new WhipFeedback(owner.ssrc(), CNAME, key, dtls.serverKey());
            owner.attach(this, key);
            attached = true;
            state = State.CONNECTED;
            LOG.log(System.Logger.Level.INFO, "WHIP session {0} connected ({1}): meeting {2}, participant {3}", id,
                    pair.getRemoteCandidate().getTransportAddress(), meeting, participant);
            byte[] buf = new byte[1500];
            while (!closed.get()) {
                secure.receive(buf, 0, buf.length, 1000); // application data is not expected; alerts end it
            }
        } catch (TimeoutException e) {
            close("ICE did not connect within " + owner.config().setupTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            close("interrupted");
        } catch (IOException | RuntimeException e) {
            close(state == State.CONNECTING ? "setup failed: " + describe(e) : "DTLS ended: " + describe(e));
        }
    }

    /** BouncyCastle closes the transport on close_notify and on fatal alerts; a failed handshake throws as well. */
    private void dtlsClosed() {
        if (state == State.CONNECTED) {
            close("the publisher closed DTLS");
        }
    }

    /** A datagram the shared listener pushed (the listener's thread; the buffer is the listener's again after). */
    private void pushed(Buffer b) {
        if (!closed.get()) {
            datagram(b.getBuffer(), b.getOffset(), b.getLength());
        }
    }

    /** Reads the session's own ICE socket (TURN). */
    private void receive(DatagramSocket socket) {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed.get()) {
            try {
                p.setData(buf, 0, buf.length);
                socket.receive(p);
            } catch (IOException e) {
                if (!closed.get()) {
                    close("socket closed: " + describe(e));
                }
                return;
            }
            datagram(buf, p.getOffset(), p.getLength());
        }
    }

    private void datagram(byte[] buf, int off, int len) {
        if (len == 0) {
            return;
        }
        lastHeardMillis = System.currentTimeMillis();
        int first = buf[off] & 0xFF;
        if (first >= 20 && first <= 63) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            dtlsInbound.offer(copy); // dropped when the handshake is not keeping up
        } else if (first >= 128 && first <= 191 && attached) {
            packets++;
            long now = System.nanoTime();
            if (RtpHeader.isRtcp(buf, off, len)) {
                feedback.rtcp(buf, off, len, now);
            } else {
                DropReason verdict = owner.rtp(this, buf, off, len);
                feedback.rtp(buf, off, len, verdict, now);
            }
        }
    }

    /** Ends the session once; a DTLS or ICE failure, DELETE, consent expiry and shutdown all come here. */
    void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        endReason = reason;
        state = State.ENDED;
        LOG.log(System.Logger.Level.INFO, "WHIP session {0} ended: {1}", id, reason);
        owner.detach(this);
        ice.close();
        WhipFeedback f = feedback;
        if (f != null) {
            f.close();
        }
        Thread s = sessionThread;
        if (s != null && s != Thread.currentThread()) {
            s.interrupt();
        }
    }

    /**
     * Sends a receiver report when one is due; the timer calls this. Intervals are drawn from 0.5-1.5 times the mean,
     * as RFC 3550 section 6.3.1 asks, so the sessions' reports do not bunch up.
     */
    void reportIfDue(long nowNanos) {
        WhipFeedback f = feedback;
        IceDatagramTransport t = transport;
        if (state != State.CONNECTED || f == null || t == null || nowNanos - nextReportNanos < 0) {
            return;
        }
        nextReportNanos = nowNanos + (long) (REPORT_INTERVAL_NANOS * (0.5 + ThreadLocalRandom.current().nextDouble()));
        byte[] report = f.report(nowNanos);
        if (report == null) {
            return;
        }
        try {
            t.send(report, 0, report.length);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "WHIP session {0}: receiver report not sent: {1}", id, describe(e));
        }
    }

    /** Receiver reports sent, sender reports read, and packets lost as last reported. */
    record Rtcp(long reportsSent, long senderReports, int lost) {
    }

    Rtcp rtcp() {
        WhipFeedback f = feedback;
        return f == null ? new Rtcp(0, 0, 0) : new Rtcp(f.reportsSent(), f.senderReports(), f.lost());
    }

    /** Whether the publisher was last heard (any datagram or consent response) longer ago than the timeout. */
    boolean consentExpired(long nowMillis) {
        long heard = Math.max(lastHeardMillis, ice.consentFreshness());
        return nowMillis - heard > owner.config().consentTimeout().toMillis();
    }

    /** Whether setup has run out of time without connecting. */
    boolean setupExpired(long nowMillis) {
        return state == State.CONNECTING && nowMillis - createdMillis > owner.config().setupTimeout().toMillis();
    }

    boolean closed() {
        return closed.get();
    }

    State state() {
        return state;
    }

    String endReason() {
        return endReason;
    }

    long packets() {
        return packets;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
