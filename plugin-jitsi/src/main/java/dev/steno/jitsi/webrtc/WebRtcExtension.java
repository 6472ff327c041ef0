package dev.steno.jitsi.webrtc;

import dev.steno.jitsi.rtp.RtpConfig;
import dev.steno.server.ServerExtension;
import dev.steno.jitsi.ws.Paths;
import dev.steno.server.http.ApiToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;

/**
 * Plugs the WHIP ingest into the Steno server: the {@code /whip} endpoint (behind the server's token and origin
 * rules); sessions are refused until the server started and all end, their audio committed, before it stops.
 */
public final class WebRtcExtension implements ServerExtension {
    private final WebRtcConfig config;
    private final RtpConfig rtp;
    private final WhipSinkFactory sinks;
    private final WhipResults results;
    private volatile WhipIngest whip;

    /**
     * @param rtp   jitter buffer and decoder settings shared with the RTP taps (its ports are not used)
     * @param sinks   makes each session's audio sink
     * @param results where the sinks publish transcripts for {@code /whip/<id>/results}
     */
    public WebRtcExtension(WebRtcConfig config, RtpConfig rtp, WhipSinkFactory sinks, WhipResults results) {
        this.config = Objects.requireNonNull(config, "config");
        this.rtp = Objects.requireNonNull(rtp, "rtp");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
        this.results = Objects.requireNonNull(results, "results");
    }

    @Override
    public String name() {
        return "webrtc";
    }

    @Override
    public void install(Wiring wiring) {
        whip = new WhipIngest(config, rtp, sinks, wiring.webhooks().sink(List.of()));
        wiring.http().accept(new WhipHandler(whip));
        String token = wiring.config().apiToken();
        wiring.webSocket().addMapping("uri-template|/whip/{id}/results", (req, resp, cb) -> {
            if (token != null && !ApiToken.matches(Paths.query(req, "token"),
                    req.getHeaders().get(HttpHeader.AUTHORIZATION), token)) {
                refuse(resp, cb, 401, "invalid or missing token: pass ?token=... or 'Authorization: Bearer ...'");
                return null;
            }
            String path = req.getHttpURI().getPath();
            String id = path.substring("/whip/".length(), path.length() - "/results".length());
            if (whip.session(id) == null) {
                refuse(resp, cb, 404, "no WHIP session " + id);
                return null;
            }
            return new ResultsSocket(results, id);
        });
    }

    private static void refuse(ServerUpgradeResponse resp, Callback cb, int status, String message) {
        resp.setStatus(status);
        resp.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        resp.write(true, StandardCharsets.UTF_8.encode(message + "\n"), cb);
    }

    /** Binds the shared ICE port: a port range with no free port stops the server from starting, saying why. */
    @Override
    public void start() throws Exception {
        whip.listen();
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
