package dev.steno.jitsi.webrtc;

import dev.steno.jitsi.rtp.RtpConfig;
import dev.steno.server.ServerExtension;
import java.util.Objects;

/**
 * Plugs the WHIP ingest into the Steno server: the {@code /whip} endpoint (behind the server's token and origin
 * rules); sessions are refused until the server started and all end, their audio committed, before it stops.
 */
public final class WebRtcExtension implements ServerExtension {
    private final WebRtcConfig config;
    private final RtpConfig rtp;
    private final WhipSinkFactory sinks;
    private volatile WhipIngest whip;

    /**
     * @param rtp   jitter buffer and decoder settings shared with the RTP taps (its ports are not used)
     * @param sinks makes each session's audio sink
     */
    public WebRtcExtension(WebRtcConfig config, RtpConfig rtp, WhipSinkFactory sinks) {
        this.config = Objects.requireNonNull(config, "config");
        this.rtp = Objects.requireNonNull(rtp, "rtp");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
    }

    @Override
    public String name() {
        return "webrtc";
    }

    @Override
    public void install(Wiring wiring) {
        whip = new WhipIngest(config, rtp, sinks);
        wiring.http().accept(new WhipHandler(whip));
    }

    /** The running ingest, or null before the server installed this extension. */
    public WhipIngest ingest() {
        return whip;
    }

    @Override
    public void close() {
        WhipIngest w = whip;
        if (w != null) {
            w.close();
        }
    }
}
