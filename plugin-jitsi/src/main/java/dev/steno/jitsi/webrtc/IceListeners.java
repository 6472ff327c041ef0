package dev.steno.jitsi.webrtc;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.ice.harvest.StunMappingCandidateHarvester;

/**
 * The UDP sockets every WHIP session's ICE shares, as jitsi-videobridge shares its port: one ice4j
 * {@link SinglePortUdpHarvester} per local address, all on one port (the first of {@code --webrtc-ports} free on
 * every address). A new publisher is recognised by the ICE username of its first connectivity check, then by its
 * address; each listener's single reading thread pushes a session's packets to it, so a session costs no thread and
 * no socket of its own. With STUN servers configured, each is asked once, here, for the public address of each IPv4
 * listener; every session then offers that address with the shared port as its server-reflexive candidate.
 */
final class IceListeners implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IceListeners.class.getName());

    static {
        // ice4j reads this once per listener: packets go to the session's callback instead of a socket queue that a
        // thread per session would have to drain. It is a static of the library; Steno is its only user here.
        AbstractUdpListener.USE_PUSH_API = true;
    }

    private final int port;
    private final List<SinglePortUdpHarvester> listeners;
    private final List<StunMappingCandidateHarvester> mappings = new ArrayList<>();

    /**
     * Binds the listeners.
     *
     * @throws IOException when no port of the range is free on every address, naming the addresses and the last
     *                     error
     */
    IceListeners(WebRtcConfig config) throws IOException {
        List<TransportAddress> addresses = new ArrayList<>();
        IOException last = null;
        List<SinglePortUdpHarvester> bound = null;
        int chosen = -1;
        for (int p = config.minPort(); p <= config.maxPort() && bound == null; p++) {
            addresses = addresses(config, p);
            try {
                bound = bind(addresses);
                chosen = p;
            } catch (PortTaken e) {
                last = e; // try the next port
            }
        }
        if (bound == null) {
            throw new IOException("WebRTC: cannot listen on any UDP port of " + config.minPort() + "-"
                    + config.maxPort() + " on " + addressList(addresses) + (last == null ? "" : ": "
                    + last.getMessage()), last);
        }
        port = chosen;
        listeners = bound;
        for (String server : config.stunServers()) {
            for (SinglePortUdpHarvester l : listeners) {
                if (l.getLocalAddress().isIPv6()) {
                    continue;
                }
                StunMappingCandidateHarvester m = new StunMappingCandidateHarvester(
                        new TransportAddress(l.getLocalAddress().getAddress(), 0, Transport.UDP), address(server));
                m.discover();
                if (m.getFace() == null) {
                    LOG.log(System.Logger.Level.WARNING, "STUN server {0} did not tell the public address of {1}",
                            server, l.getLocalAddress().getHostAddress());
                } else {
                    LOG.log(System.Logger.Level.INFO, "STUN server {0}: {1} is {2} from outside", server,
                            l.getLocalAddress().getHostAddress(), m.getFace().getHostAddress());
                    mappings.add(m);
                }
            }
        }
        LOG.log(System.Logger.Level.INFO, "WebRTC listens on UDP port {0} of {1}", Integer.toString(port),
                addressList(addresses));
    }

    private static List<TransportAddress> addresses(WebRtcConfig config, int port) {
        if (config.hostAddresses().isEmpty()) {
            // ice4j's rules (interfaces that are up, no loopback), without link-local addresses: a publisher hardly
            // reaches a server there, and each address it checks costs the session a STUN reading thread of ice4j's
            return AbstractUdpListener.getAllowedAddresses(port).stream()
                    .filter(a -> !a.getAddress().isLinkLocalAddress()).toList();
        }
        List<TransportAddress> out = new ArrayList<>();
        for (InetAddress a : config.hostAddresses()) {
            out.add(new TransportAddress(a, port, Transport.UDP));
        }
        return out;
    }

    /** The port is in use on an address: the next port of the range may be free. */
    private static final class PortTaken extends IOException {
        PortTaken(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @throws PortTaken when the port is in use on one of the addresses
     * @throws IOException when an address cannot be bound at all (no interface has it): no port would help
     */
    private static List<SinglePortUdpHarvester> bind(List<TransportAddress> addresses) throws IOException {
        if (addresses.isEmpty()) {
            throw new IOException("WebRTC: no usable local address (no interface besides loopback is up)");
        }
        List<SinglePortUdpHarvester> out = new ArrayList<>();
        try {
            for (TransportAddress a : addresses) {
                try {
                    out.add(new SinglePortUdpHarvester(a));
                } catch (IOException e) {
                    String why = a.getHostAddress() + " port " + a.getPort() + ": " + e.getMessage();
                    if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
                        throw new PortTaken(why, e);
                    }
                    throw new IOException("WebRTC: cannot listen on " + why + " (is it an address of an interface "
                            + "that is up? see --webrtc-addresses)", e);
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            out.forEach(SinglePortUdpHarvester::close);
            throw e;
        }
    }

    private static String addressList(List<TransportAddress> addresses) {
        return addresses.stream().map(TransportAddress::getHostAddress).toList().toString();
    }

    static TransportAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("STUN/TURN server must be host:port, got '" + hostPort + "'");
        }
        return new TransportAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)),
                Transport.UDP);
    }

    /** The shared port. */
    int port() {
        return port;
    }

    /** What every session's agent harvests from: the listeners' host candidates and the STUN mappings. */
    List<CandidateHarvester> harvesters() {
        List<CandidateHarvester> out = new ArrayList<>(listeners);
        out.addAll(mappings);
        return out;
    }

    @Override
    public void close() {
        listeners.forEach(SinglePortUdpHarvester::close);
    }
}
