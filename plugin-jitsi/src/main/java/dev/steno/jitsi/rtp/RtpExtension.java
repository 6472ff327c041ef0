package dev.steno.jitsi.rtp;

import dev.steno.server.ServerExtension;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Plugs the RTP ingest into the Steno server: UDP ports opened when the server starts, closed before it stops, and
 * the {@code /rtp/} REST API (behind the server's access rules). Decoded audio goes to the given sink, per participant.
 */
public final class RtpExtension implements ServerExtension {
    private final RtpConfig config;
    private final ParticipantMap map;
    private final ParticipantAudioSink sink;
    private volatile RtpIngest ingest;
    private volatile UdpReceiver receiver;

    /** An extension for these settings, map and audio sink. */
    public RtpExtension(RtpConfig config, ParticipantMap map, ParticipantAudioSink sink) {
        this.config = Objects.requireNonNull(config, "config");
        this.map = Objects.requireNonNull(map, "map");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public String name() {
        return "rtp";
    }

    @Override
    public void install(Wiring wiring) {
        sink.publishLinesTo(wiring.webhooks().sink(List.of()));
        wiring.http().accept(new RtpApiHandler(config, map, () -> ingest, this::ports));
    }

    @Override
    public void start() throws Exception {
        RtpIngest in = new RtpIngest(config, map, sink, System::nanoTime);
        try {
            UdpReceiver rx = new UdpReceiver(in);
            rx.start();
            receiver = rx;
            ingest = in;
        } catch (Exception e) {
            in.close();
            throw e;
        }
    }

    /** The bound UDP ports (the configured ones until started). */
    public List<Integer> ports() {
        UdpReceiver rx = receiver;
        return rx == null ? config.ports() : rx.ports();
    }

    /** The running ingest, or null before start. */
    public RtpIngest ingest() {
        return ingest;
    }

    /** The participant map (changes take effect at once). */
    public ParticipantMap map() {
        return map;
    }

    @Override
    public void close() throws IOException {
        UdpReceiver rx = receiver;
        if (rx != null) {
            rx.close();
        }
        RtpIngest in = ingest;
        if (in != null) {
            in.close();
        }
    }
}
