package dev.steno.jitsi.rtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Turns RTP datagrams into per-participant audio: validates each datagram, finds its stream by port and SSRC (making
 * one when the {@link ParticipantMap} names it), checks SRTP, and hands it to the stream's jitter buffer; a bounded
 * pool of decode workers plays the streams out (never a thread per stream).
 *
 * <p>{@link #handle} is meant for one receive thread. {@link #tick} (called every 20 ms by the receiver) lets
 * buffered streams declare losses by time and ends streams that went quiet.
 */
public final class RtpIngest implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RtpIngest.class.getName());

    private final RtpConfig config;
    private final ParticipantMap map;
    private final ParticipantAudioSink sink;
    private final LongSupplier clock;
    private final DropStats drops;
    private final UnknownSources unknown;
    private final RtpHeader header = new RtpHeader();
    private final Map<Long, RtpStream> streams = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers;
    private volatile boolean closed;

    /**
     * @param clock nanosecond clock ({@code System::nanoTime}); tests may drive time themselves
     */
    public RtpIngest(RtpConfig config, ParticipantMap map, ParticipantAudioSink sink, LongSupplier clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.map = Objects.requireNonNull(map, "map");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.drops = new DropStats(TimeUnit.SECONDS.toNanos(10), clock);
        this.unknown = new UnknownSources(config.maxUnknownSources());
        AtomicInteger ids = new AtomicInteger();
        // Each stream is queued at most once (its scheduled flag), so maxStreams bounds the queue.
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.maxStreams() + 1), r -> {
                    Thread t = new Thread(r, "steno-rtp-decode-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        map.onChange(m -> remap());
    }

    /**
     * Handles one datagram received on {@code port}. The buffer may be reused when this returns (SRTP decrypts it in
     * place).
     *
     * @return null when the packet was accepted into a stream, else why it was dropped
     */
    public DropReason handle(int port, byte[] buf, int off, int len) {
        if (len > RtpConfig.MAX_DATAGRAM) {
            return drop(DropReason.OVERSIZED, port, -1, len + " bytes, limit " + RtpConfig.MAX_DATAGRAM);
        }
        if (RtpHeader.isRtcp(buf, off, len)) {
            return drop(DropReason.RTCP, port, -1, null);
        }
        DropReason bad = header.parse(buf, off, len);
        if (bad != null) {
            return drop(bad, port, -1, len + " bytes");
        }
        long ssrc = header.ssrc();
        long key = ((long) port << 32) | ssrc;
        RtpStream stream = streams.get(key);
        if (stream == null) {
            stream = open(port, ssrc, header.payloadType());
            if (stream == null) {
                return lastOpenFailure;
            }
        }
        if (header.payloadType() != stream.payloadType) {
            return drop(DropReason.WRONG_PAYLOAD_TYPE, port, ssrc,
                    "got " + header.payloadType() + ", expected " + stream.payloadType);
        }
        if (stream.srtp != null) {
            int plain = stream.srtp.decrypt(buf, off, len);
            if (plain < 0 || header.parse(buf, off, plain) != null) {
                return drop(DropReason.SRTP_FAILED, port, ssrc, "sequence " + header.sequence());
            }
        }
        JitterBuffer.Offer result = stream.offer(header.sequence(), header.timestamp(), buf, header.payloadOffset(),
                header.payloadLength(), clock.getAsLong());
        return switch (result) {
            case DUPLICATE -> drop(DropReason.DUPLICATE, port, ssrc, "sequence " + header.sequence());
            case TOO_LATE -> drop(DropReason.TOO_LATE, port, ssrc, "sequence " + header.sequence());
            case FULL -> drop(DropReason.OVERLOAD, port, ssrc, "sequence " + header.sequence());
            case ACCEPTED, RESYNCED -> null;
        };
    }

    private DropReason lastOpenFailure;

    private RtpStream open(int port, long ssrc, int payloadType) {
        RtpMapping m = map.resolve(port, ssrc);
        if (m == null) {
            boolean fresh = unknown.record(port, ssrc, payloadType, System.currentTimeMillis());
            lastOpenFailure = drop(DropReason.UNKNOWN_SSRC, port, ssrc,
                    fresh ? "new unmapped source (see GET /rtp/unknown; map it with PUT /rtp/mappings)" : null);
            return null;
        }
        if (streams.size() >= config.maxStreams()) {
            lastOpenFailure = drop(DropReason.TOO_MANY_STREAMS, port, ssrc, config.maxStreams() + " streams");
            return null;
        }
        int pt = m.payloadType() != null ? m.payloadType() : config.payloadType();
        if (payloadType != pt) {
            // Do not start a stream (and an SRTP context) for packets it would reject anyway.
            lastOpenFailure = drop(DropReason.WRONG_PAYLOAD_TYPE, port, ssrc,
                    "got " + payloadType + ", expected " + pt);
            return null;
        }
        RtpParticipant p = new RtpParticipant(m.meeting(), m.participantFor(ssrc), ssrc, port);
        SrtpKey key = m.srtp() != null ? m.srtp() : config.defaultSrtp();
        RtpStream s = new RtpStream(this, p, m, pt, key, config);
        s.lastArrivalNanos = clock.getAsLong();
        streams.put(((long) port << 32) | ssrc, s);
        unknown.forget(port, ssrc);
        LOG.log(System.Logger.Level.INFO, "RTP stream started: SSRC 0x{0} on port {1} -> meeting {2}, participant"
                + " {3}{4}", Long.toHexString(ssrc), Integer.toString(port), p.meetingId(), p.participantId(), key == null ? "" : " (SRTP)");
        sink.start(p);
        return s;
    }

    /** Lets streams declare losses by time and ends the ones idle longer than the timeout. */
    public void tick() {
        long now = clock.getAsLong();
        long idle = config.idleTimeout().toNanos();
        for (RtpStream s : streams.values()) {
            if (s.ending()) {
                continue;
            }
            if (now - s.lastArrivalNanos > idle) {
                LOG.log(System.Logger.Level.INFO, "RTP stream idle, ending: {0}", s.participant);
                s.end();
            } else if (s.due(now)) {
                s.schedule();
            }
        }
    }

    /** Ends every stream whose rule changed or disappeared; its next packet starts a stream under the new rule. */
    private void remap() {
        for (RtpStream s : streams.values()) {
            RtpMapping now = map.resolve(s.participant.port(), s.participant.ssrc());
            if (now != s.mapping && !s.ending()) {
                s.end();
            }
        }
    }

    boolean submit(RtpStream s) {
        if (closed && !s.ending()) {
            return false;
        }
        try {
            workers.execute(s);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "RTP decode queue refused {0}: {1}", s.participant, e.getMessage());
            return false;
        }
    }

    void ended(RtpStream s) {
        streams.remove(((long) s.participant.port() << 32) | s.participant.ssrc(), s);
    }

    ParticipantAudioSink sink() {
        return sink;
    }

    DropStats drops() {
        return drops;
    }

    long nanoTime() {
        return clock.getAsLong();
    }

    private DropReason drop(DropReason reason, int port, long ssrc, Object detail) {
        drops.drop(reason, port, ssrc, detail);
        return reason;
    }

    /** Drop counters. */
    public DropStats dropStats() {
        return drops;
    }

    /** Unmapped sources seen recently. */
    public UnknownSources unknownSources() {
        return unknown;
    }

    /** The participant map. */
    public ParticipantMap map() {
        return map;
    }

    /** The settings. */
    public RtpConfig config() {
        return config;
    }

    /** A snapshot of one live stream. */
    public record StreamInfo(RtpParticipant participant, long packets, long lostPackets, long samples16k,
                             long concealedSamples48k) {
    }

    /** The live streams. */
    public List<StreamInfo> streams() {
        List<StreamInfo> out = new ArrayList<>();
        for (RtpStream s : streams.values()) {
            out.add(new StreamInfo(s.participant, s.packets(), s.lost(), s.samplesDelivered(),
                    s.concealedSamples48k()));
        }
        return out;
    }

    /**
     * Ends all streams (their buffered audio is played out and the sink hears end), then stops the workers. Waits at
     * most a few seconds; an interrupt cuts the wait short and is kept for the caller.
     */
    @Override
    public void close() {
        for (RtpStream s : streams.values()) {
            s.end();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            while (!streams.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            closed = true;
            workers.shutdown();
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
            workers.shutdownNow();
        }
    }
}
