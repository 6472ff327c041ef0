package dev.steno.jitsi.rtp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the RTP ingest.
 *
 * @param ports              UDP ports to listen on (0 = any free port, for tests)
 * @param bindAddress        local address to bind, e.g. "0.0.0.0"
 * @param advertisedAddress  address written into SDP ({@code c=IN IP4 ...}) for Kurento
 * @param payloadType        the Opus payload type accepted unless a mapping says otherwise
 * @param defaultSrtp        SRTP key for streams whose mapping has none; null = plain RTP
 * @param maxStreams         streams decoded at once; more are dropped with a logged reason
 * @param maxUnknownSources  unmapped SSRCs remembered for the operator
 * @param jitterPackets      a missing packet is declared lost once this many later packets arrived
 * @param maxDelay           ... or once the first later packet waited this long
 * @param idleTimeout        a stream with no packets for this long ends
 * @param workers            decode threads (Opus + resampling + the sink)
 */
public record RtpConfig(List<Integer> ports, String bindAddress, String advertisedAddress, int payloadType,
                        SrtpKey defaultSrtp, int maxStreams, int maxUnknownSources, int jitterPackets,
                        Duration maxDelay, Duration idleTimeout, int workers) {
    /** Largest datagram accepted; Opus packets are at most 1275 bytes per frame, RTP over UDP stays below MTU. */
    public static final int MAX_DATAGRAM = 1500;

    /** Validates the settings. */
    public RtpConfig {
        ports = List.copyOf(ports);
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(advertisedAddress, "advertisedAddress");
        for (int p : ports) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("RTP port must be 0 to 65535, got " + p);
            }
        }
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be 0 to 127, got " + payloadType);
        }
        if (maxStreams < 1 || maxUnknownSources < 1 || workers < 1) {
            throw new IllegalArgumentException("maxStreams, maxUnknownSources and workers must be positive");
        }
        if (jitterPackets < 1 || jitterPackets > 32) {
            throw new IllegalArgumentException("jitter depth must be 1 to 32 packets, got " + jitterPackets);
        }
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Defaults: port 5004 on all interfaces, PT 111, 500 streams, 5-packet / 100 ms jitter buffer, 10 s idle. */
    public static RtpConfig defaults() {
        return new RtpConfig(List.of(5004), "0.0.0.0", "127.0.0.1", 111, null, 500, 256, 5,
                Duration.ofMillis(100), Duration.ofSeconds(10), Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** A copy listening on these ports. */
    public RtpConfig withPorts(List<Integer> p) {
        return new RtpConfig(p, bindAddress, advertisedAddress, payloadType, defaultSrtp, maxStreams,
                maxUnknownSources, jitterPackets, maxDelay, idleTimeout, workers);
    }

    /** A copy with another default SRTP key. */
    public RtpConfig withDefaultSrtp(SrtpKey key) {
        return new RtpConfig(ports, bindAddress, advertisedAddress, payloadType, key, maxStreams,
                maxUnknownSources, jitterPackets, maxDelay, idleTimeout, workers);
    }

    /** A copy with other limits. */
    public RtpConfig withLimits(int streams, int unknown) {
        return new RtpConfig(ports, bindAddress, advertisedAddress, payloadType, defaultSrtp, streams, unknown,
                jitterPackets, maxDelay, idleTimeout, workers);
    }

    /** A copy with another idle timeout. */
    public RtpConfig withIdleTimeout(Duration d) {
        return new RtpConfig(ports, bindAddress, advertisedAddress, payloadType, defaultSrtp, maxStreams,
                maxUnknownSources, jitterPackets, maxDelay, d, workers);
    }

    /** A copy with addresses to bind and to advertise. */
    public RtpConfig withAddresses(String bind, String advertised) {
        return new RtpConfig(ports, bind, advertised, payloadType, defaultSrtp, maxStreams, maxUnknownSources,
                jitterPackets, maxDelay, idleTimeout, workers);
    }

    /** A copy with another default payload type. */
    public RtpConfig withPayloadType(int pt) {
        return new RtpConfig(ports, bindAddress, advertisedAddress, pt, defaultSrtp, maxStreams, maxUnknownSources,
                jitterPackets, maxDelay, idleTimeout, workers);
    }

    /** A copy with this many decode workers. */
    public RtpConfig withWorkers(int n) {
        return new RtpConfig(ports, bindAddress, advertisedAddress, payloadType, defaultSrtp, maxStreams,
                maxUnknownSources, jitterPackets, maxDelay, idleTimeout, n);
    }
}
