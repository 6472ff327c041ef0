package dev.steno.jitsi.webrtc;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the WHIP ingest.
 *
 * @param minPort        lowest UDP port of ICE host candidates ({@code --webrtc-ports})
 * @param maxPort        highest UDP port
 * @param stunServers    STUN servers ("host:port") for server-reflexive candidates; may be empty
 * @param turnServers    TURN servers for relayed candidates; may be empty
 * @param maxSessions    WHIP sessions at once; one more is refused with 503
 * @param setupTimeout   ICE and the DTLS handshake must finish within this
 * @param consentTimeout a session that heard nothing from its publisher (media or consent) for this long ends
 * @param meetingPrefix  meeting id of sessions that name none ("whip" gives "whip-&lt;session&gt;")
 * @param hostAddresses  the local addresses host candidates are offered on ({@code --webrtc-addresses}); empty for
 *                       every address ice4j finds on the interfaces that are up
 */
public record WebRtcConfig(int minPort, int maxPort, List<String> stunServers, List<TurnServer> turnServers,
                           int maxSessions, Duration setupTimeout, Duration consentTimeout, String meetingPrefix,
                           List<InetAddress> hostAddresses) {
    /**
     * A TURN server and its long-term credentials.
     *
     * @param address  "host:port"
     * @param username the TURN user
     * @param password the TURN password
     */
    public record TurnServer(String address, String username, String password) {
        /** Validates the fields. */
        public TurnServer {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        /** Keeps the password out of logs. */
        @Override
        public String toString() {
            return "TurnServer[" + address + ", " + username + ", password=<hidden>]";
        }
    }

    /** Validates the settings. */
    public WebRtcConfig {
        if (minPort < 1 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("WebRTC port range must be within 1-65535 and low-high, got "
                    + minPort + "-" + maxPort);
        }
        stunServers = List.copyOf(stunServers);
        turnServers = List.copyOf(turnServers);
        if (maxSessions < 1) {
            throw new IllegalArgumentException("max WebRTC sessions must be positive");
        }
        Objects.requireNonNull(setupTimeout, "setupTimeout");
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        Objects.requireNonNull(meetingPrefix, "meetingPrefix");
        hostAddresses = List.copyOf(hostAddresses);
        if (setupTimeout.isNegative() || setupTimeout.isZero() || consentTimeout.isNegative()
                || consentTimeout.isZero()) {
            throw new IllegalArgumentException("WebRTC timeouts must be positive");
        }
    }

    /** Defaults: ports 50000-50999, no STUN/TURN, 200 sessions, 20 s setup, 30 s consent (RFC 7675). */
    public static WebRtcConfig defaults() {
        return new WebRtcConfig(50000, 50999, List.of(), List.of(), 200, Duration.ofSeconds(20),
                Duration.ofSeconds(30), "whip", List.of());
    }

    /** A copy with this port range. */
    public WebRtcConfig withPorts(int min, int max) {
        return new WebRtcConfig(min, max, stunServers, turnServers, maxSessions, setupTimeout, consentTimeout,
                meetingPrefix, hostAddresses);
    }

    /** A copy with these STUN and TURN servers. */
    public WebRtcConfig withServers(List<String> stun, List<TurnServer> turn) {
        return new WebRtcConfig(minPort, maxPort, stun, turn, maxSessions, setupTimeout, consentTimeout,
                meetingPrefix, hostAddresses);
    }

    /** A copy with another session limit. */
    public WebRtcConfig withMaxSessions(int n) {
        return new WebRtcConfig(minPort, maxPort, stunServers, turnServers, n, setupTimeout, consentTimeout,
                meetingPrefix, hostAddresses);
    }

    /** A copy with other timeouts. */
    public WebRtcConfig withTimeouts(Duration setup, Duration consent) {
        return new WebRtcConfig(minPort, maxPort, stunServers, turnServers, maxSessions, setup, consent,
                meetingPrefix, hostAddresses);
    }

    /**
     * A copy that offers host candidates only on these local addresses (publishers are told of no others); empty for
     * every address of every interface that is up.
     */
    public WebRtcConfig withHostAddresses(List<InetAddress> addresses) {
        return new WebRtcConfig(minPort, maxPort, stunServers, turnServers, maxSessions, setupTimeout, consentTimeout,
                meetingPrefix, addresses);
    }

    /** Parses "LOW-HIGH" (or one port). */
    public static int[] parsePorts(String spec) {
        String[] f = spec.trim().split("-", 2);
        try {
            int lo = Integer.parseInt(f[0].trim());
            int hi = f.length == 2 ? Integer.parseInt(f[1].trim()) : lo;
            return new int[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("WebRTC ports must be LOW-HIGH, e.g. 50000-50999, got '" + spec + "'",
                    e);
        }
    }
}
