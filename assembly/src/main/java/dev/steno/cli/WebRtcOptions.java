package dev.steno.cli;

import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.rtp.RtpConfig;
import dev.steno.jitsi.webrtc.WebRtcConfig;
import dev.steno.jitsi.webrtc.WebRtcExtension;
import dev.steno.jitsi.webrtc.WhipResults;
import dev.steno.jitsi.webrtc.WhipSinks;
import dev.steno.server.ServerExtension;
import dev.steno.server.TranscriptionService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code steno serve} flags of the WebRTC ingest over WHIP (browsers, OBS 30+, GStreamer whipclientsink). */
final class WebRtcOptions {
    @Option(names = "--webrtc-ports", paramLabel = "PORT[-HIGH]",
            description = "Turn on WebRTC ingest over WHIP (POST /whip). All sessions share one UDP port: the first "
                    + "of this range free on every address, e.g. 10000 or 50000-50999 (with --webrtc-turn, each "
                    + "session binds its own ports in the range instead).")
    String ports;

    @Option(names = "--webrtc-stun", paramLabel = "HOST:PORT", split = ",",
            description = "STUN server(s) for server-reflexive candidates (behind NAT).")
    List<String> stun;

    @Option(names = "--webrtc-turn", paramLabel = "USER:PASSWORD@HOST:PORT", split = ",",
            description = "TURN server(s) for relayed candidates, with their long-term credentials (sessions then "
                    + "bind their own ports: a relayed candidate needs its own socket).")
    List<String> turn;

    @Option(names = "--webrtc-addresses", paramLabel = "IP", split = ",",
            description = "Listen and offer host candidates only on these local addresses, e.g. the LAN address of "
                    + "a machine with several interfaces, or 127.0.0.1 (default: every address of every interface "
                    + "that is up, loopback excepted).")
    List<String> addresses;

    @Option(names = "--webrtc-max-sessions", paramLabel = "N", defaultValue = "200",
            description = "WHIP sessions at once; more are answered 503 (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--webrtc-consent-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "A session whose publisher was not heard (media or ICE consent) this long ends, its last "
                    + "words committed (RFC 7675: 30) (default: ${DEFAULT-VALUE}).")
    double consentSeconds;

    @Option(names = "--webrtc-language", paramLabel = "LANG",
            description = "Language of WHIP sessions that send no ?language= (default: the server's).")
    String language;

    /**
     * The WebRTC extension when {@code --webrtc-ports} is given, else none. With the Jitsi meeting store on, sessions
     * are stored meeting participants; otherwise their text is logged and sent to {@code /whip/<id>/results}.
     */
    List<ServerExtension> extensions(TranscriptionService service, CommandLine cmd,
                                     Optional<Supplier<MeetingRegistry>> meetings, DiarizerFactory voices) {
        if (ports == null) {
            return List.of();
        }
        WebRtcConfig config;
        try {
            int[] range = WebRtcConfig.parsePorts(ports);
            List<WebRtcConfig.TurnServer> turnServers = new ArrayList<>();
            for (String t : turn == null ? List.<String>of() : turn) {
                turnServers.add(parseTurn(t));
            }
            if (!(consentSeconds > 0)) {
                throw new IllegalArgumentException("--webrtc-consent-timeout must be positive");
            }
            config = WebRtcConfig.defaults().withPorts(range[0], range[1])
                    .withServers(stun == null ? List.of() : stun, turnServers).withMaxSessions(maxSessions)
                    .withTimeouts(WebRtcConfig.defaults().setupTimeout(),
                            Duration.ofMillis(Math.round(consentSeconds * 1000)))
                    .withHostAddresses(parseAddresses(addresses == null ? List.of() : addresses));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "WebRTC: " + e.getMessage());
        }
        WhipResults results = new WhipResults();
        return List.of(new WebRtcExtension(config, RtpConfig.defaults(),
                new WhipSinks(service.streams(), meetings, language, voices, results), results));
    }

    /** IP literals (no host names: a name could resolve to an address of another machine). */
    static List<InetAddress> parseAddresses(List<String> specs) {
        List<InetAddress> out = new ArrayList<>();
        for (String a : specs) {
            try {
                out.add(InetAddress.ofLiteral(a.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--webrtc-addresses takes IP addresses, not '" + a.strip() + "'");
            }
        }
        return out;
    }

    /** "user:password@host:port". */
    static WebRtcConfig.TurnServer parseTurn(String spec) {
        int at = spec.lastIndexOf('@');
        int colon = at < 0 ? -1 : spec.indexOf(':');
        if (at < 0 || colon < 0 || colon > at) {
            throw new IllegalArgumentException("--webrtc-turn must be USER:PASSWORD@HOST:PORT");
        }
        return new WebRtcConfig.TurnServer(spec.substring(at + 1), spec.substring(0, colon),
                spec.substring(colon + 1, at));
    }
}
