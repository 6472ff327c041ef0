package dev.steno.jitsi.webrtc;

import dev.steno.engine.transcript.LineSink;
import dev.steno.jitsi.rtp.DropReason;
import dev.steno.jitsi.rtp.ParticipantAudioSink;
import dev.steno.jitsi.rtp.ParticipantMap;
import dev.steno.jitsi.rtp.RtpConfig;
import dev.steno.jitsi.rtp.RtpIngest;
import dev.steno.jitsi.rtp.RtpMapping;
import dev.steno.jitsi.rtp.RtpParticipant;
import dev.steno.jitsi.rtp.SrtpKey;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The WHIP sessions of one server and the RTP ingest they share. A connected session becomes a port rule of the
 * ingest's own participant map (its key in place of a port, with the DTLS-SRTP key), so its packets go through the same
 * SRTP check, jitter buffer, FEC/PLC and Opus decoder as the RTP taps; each session's audio then goes to the sink
 * its publisher's options made. A timer ticks the ingest every 20 ms and ends sessions whose setup or consent ran
 * out.
 */
public final class WhipIngest implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WhipIngest.class.getName());
    private static final long TICK_MILLIS = 20;

    /** Why a publisher's offer was refused. */
    public static final class Refused extends Exception {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status to answer with. */
        public int status() {
            return status;
        }
    }

    /**
     * A new session's answer.
     *
     * @param id     the session id (its resource is {@code /whip/<id>})
     * @param answer the SDP answer
     */
    public record Created(String id, String answer) {
    }

    /**
     * A snapshot of one session.
     *
     * @param id          session id
     * @param state       "connecting", "connected" or "ended"
     * @param meeting     meeting id
     * @param participant participant id
     * @param port        the local port naming it to the RTP ingest
     * @param packets     RTP/RTCP datagrams received
     * @param reportsSent RTCP receiver reports sent to the publisher
     * @param senderReports RTCP sender reports read from the publisher
     * @param lost        packets lost, as the last receiver report said
     * @param endReason   why it ended, or null
     */
    public record SessionInfo(String id, String state, String meeting, String participant, int port, long packets,
                              long reportsSent, long senderReports, int lost, String endReason) {
    }

    private final WebRtcConfig config;
    private final WhipSinkFactory sinks;
    private final LineSink lines;
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final SecureRandom random = new SecureRandom();
    private final ParticipantMap map = new ParticipantMap();
    private final RtpIngest ingest;
    private final Object ingestLock = new Object();
    private final Map<String, WhipSession> sessions = new ConcurrentHashMap<>();
    /** Sessions by their key, from offer until their stream ended (after the session itself may have). */
    private final Map<Integer, WhipSession> byKey = new ConcurrentHashMap<>();
    /** Guarded by {@code byKey}. */
    private int nextKey;
    private final ScheduledExecutorService timer;
    /** The shared ICE port once {@link #listen} bound it; stays null with TURN servers (sockets per session). */
    private volatile IceListeners listeners;
    private volatile boolean listening;
    private volatile boolean closed;

    /**
     * @param rtp   settings of the shared jitter buffers and decoders (ports are not used: ICE owns the sockets)
     * @param sinks makes each session's audio sink
     * @param lines where sinks that do not publish their own way send committed lines (the server's webhooks)
     */
    public WhipIngest(WebRtcConfig config, RtpConfig rtp, WhipSinkFactory sinks, LineSink lines) {
        this.config = Objects.requireNonNull(config, "config");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
        this.lines = Objects.requireNonNull(lines, "lines");
        this.ingest = new RtpIngest(rtp.withPorts(List.of()).withLimits(config.maxSessions(),
                rtp.maxUnknownSources()), map, new Dispatch(), System::nanoTime);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steno-whip-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Binds the shared ICE port (with TURN servers configured, sessions bind their own sockets instead); offers are
     * refused before this.
     *
     * @throws IOException when no port of the range is free, with the addresses and the reason
     */
    public void listen() throws IOException {
        if (config.turnServers().isEmpty()) {
            listeners = new IceListeners(config);
        }
        listening = true;
    }

    /** The shared ICE port, or -1 when sessions have sockets of their own (TURN) or before {@link #listen}. */
    public int port() {
        IceListeners l = listeners;
        return l == null ? -1 : l.port();
    }

    /** The settings. */
    public WebRtcConfig config() {
        return config;
    }

    /** SHA-256 of Steno's DTLS certificate (the answer's {@code a=fingerprint}). */
    public byte[] fingerprint() {
        return certificate.fingerprint();
    }

    /** The RTP ingest the sessions share (drop counters, live streams). */
    public RtpIngest rtp() {
        return ingest;
    }

    /**
     * Starts a session for an offer.
     *
     * @throws Refused 400 for an offer that cannot be answered, 503 when the node is full or stopping
     */
    public Created offer(String sdp, WhipOptions options) throws Refused {
        SdpOffer offer;
        try {
            offer = SdpOffer.parse(sdp);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
        if (closed) {
            throw new Refused(503, "the server is stopping");
        }
        if (!listening) {
            throw new Refused(503, "the server is starting");
        }
        if (sessions.size() >= config.maxSessions()) {
            throw new Refused(503, "this node has " + config.maxSessions() + " WHIP sessions (its limit)");
        }
        String id = HexFormat.of().formatHex(bytes(8));
        ParticipantAudioSink sink = sinks.create(id, options);
        sink.publishLinesTo(lines);
        WhipSession s;
        synchronized (byKey) {
            try {
                s = new WhipSession(this, id, freeKey(), offer, options, sink, listeners, certificate, crypto);
            } catch (IOException e) {
                throw new Refused(503, "no ICE candidates: " + e.getMessage());
            }
            byKey.put(s.key, s);
        }
        sessions.put(id, s);
        s.start();
        LOG.log(System.Logger.Level.INFO, "WHIP session {0} offered: meeting {1}, participant {2}, ICE port {3}",
                id, s.meeting, s.participant, Integer.toString(s.port));
        return new Created(id, s.answer);
    }

    /** The next key no live or ending session holds (at most maxSessions + ending ones are held). */
    private int freeKey() {
        for (int i = 0; i < 65535; i++) {
            nextKey = nextKey % 65535 + 1;
            if (!byKey.containsKey(nextKey)) {
                return nextKey;
            }
        }
        throw new IllegalStateException("no free session key");
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** What a trickle PATCH did. */
    public enum Trickle {
        /** The candidates were added. */
        ADDED,
        /** No such session. */
        NO_SESSION,
        /** The fragment carries other ICE credentials: an ICE restart, which is not supported. */
        RESTART
    }

    /** Adds the candidates of a trickled SDP fragment ({@code application/trickle-ice-sdpfrag}) to a session. */
    public Trickle trickle(String id, String fragment) {
        WhipSession s = sessions.get(id);
        if (s == null || s.closed()) {
            return Trickle.NO_SESSION;
        }
        List<String> candidates = new ArrayList<>();
        for (String line : fragment.split("\r?\n")) {
            String l = line.trim();
            if (l.startsWith("a=ice-ufrag:") && !l.substring(12).trim().equals(s.offer.iceUfrag())
                    || l.startsWith("a=ice-pwd:") && !l.substring(10).trim().equals(s.offer.icePwd())) {
                return Trickle.RESTART;
            }
            if (l.startsWith("a=candidate:")) {
                candidates.add(l.substring("a=candidate:".length()));
            }
        }
        candidates.forEach(s.ice::addRemote);
        return Trickle.ADDED;
    }

    /** Ends a session (DELETE); false when there is no such session. */
    public boolean end(String id) {
        WhipSession s = sessions.get(id);
        if (s == null) {
            return false;
        }
        s.close("ended by the publisher (DELETE)");
        return true;
    }

    /** The live sessions. */
    public List<SessionInfo> sessions() {
        List<SessionInfo> out = new ArrayList<>();
        for (WhipSession s : sessions.values()) {
            out.add(info(s));
        }
        return out;
    }

    /** One live session, or null. */
    public SessionInfo session(String id) {
        WhipSession s = sessions.get(id);
        return s == null ? null : info(s);
    }

    private static SessionInfo info(WhipSession s) {
        WhipSession.Rtcp rtcp = s.rtcp();
        return new SessionInfo(s.id, s.state().name().toLowerCase(Locale.ROOT), s.meeting, s.participant,
                s.port, s.packets(), rtcp.reportsSent(), rtcp.senderReports(), rtcp.lost(), s.endReason());
    }

    /** DTLS done: the session's port is mapped with its key, so its packets start a stream. */
    void attach(WhipSession s, SrtpKey key) {
        synchronized (ingestLock) {
            if (!s.closed()) {
                map.put(new RtpMapping(s.meeting, s.participant, null, s.key, s.offer.media()
                        .get(s.offer.audioIndex()).opusPayload(), key));
            }
        }
    }

    /**
     * One RTP datagram of a connected session; the buffer is decrypted in place and reused when this returns.
     *
     * @return null when a stream took it, else why not
     */
    DropReason rtp(WhipSession s, byte[] buf, int off, int len) {
        synchronized (ingestLock) {
            return s.closed() ? DropReason.UNKNOWN_SSRC : ingest.handle(s.key, buf, off, len);
        }
    }

    /** A random SSRC for a session's own RTCP. */
    long ssrc() {
        return random.nextInt() & 0xFFFFFFFFL;
    }

    /** The session ended: its rule goes (the stream plays out and ends), and so does the session. */
    void detach(WhipSession s) {
        synchronized (ingestLock) {
            map.remove(null, s.key);
            if (!s.streamLive) {
                byKey.remove(s.key, s);
            }
        }
        sessions.remove(s.id, s);
    }

    private void tick() {
        try {
            synchronized (ingestLock) {
                ingest.tick();
            }
            long now = System.currentTimeMillis();
            long nanos = System.nanoTime();
            for (WhipSession s : sessions.values()) {
                s.reportIfDue(nanos);
                if (s.setupExpired(now)) {
                    s.close("setup did not finish within " + config.setupTimeout().toSeconds() + " s");
                } else if (s.state() == WhipSession.State.CONNECTED && s.consentExpired(now)) {
                    s.close("consent expired: nothing heard from the publisher for "
                            + config.consentTimeout().toMillis() + " ms");
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "WHIP timer: " + e, e);
        }
    }

    /** Ends every session (their audio is played out and committed), then stops the ingest. */
    @Override
    public void close() {
        closed = true;
        for (WhipSession s : sessions.values()) {
            s.close("the server is stopping");
        }
        ingest.close();
        timer.shutdownNow();
        IceListeners l = listeners;
        if (l != null) {
            l.close();
        }
    }

    /** Routes the shared ingest's per-participant calls to each session's own sink, by key. */
    private final class Dispatch implements ParticipantAudioSink {
        @Override
        public void start(RtpParticipant p) {
            WhipSession s = byKey.get(p.port());
            if (s != null) {
                s.streamLive = true;
                s.sink.start(p);
            }
        }

        @Override
        public void audio(RtpParticipant p, float[] pcm16k, int off, int len) {
            WhipSession s = byKey.get(p.port());
            if (s != null) {
                s.sink.audio(p, pcm16k, off, len);
            }
        }

        @Override
        public void loss(RtpParticipant p, int lostPackets) {
            WhipSession s = byKey.get(p.port());
            if (s != null) {
                s.sink.loss(p, lostPackets);
            }
        }

        @Override
        public void end(RtpParticipant p) {
            WhipSession s = byKey.get(p.port());
            if (s != null) {
                s.streamLive = false;
                s.sink.end(p);
                if (s.closed()) {
                    byKey.remove(p.port(), s);
                }
            }
        }
    }
}
