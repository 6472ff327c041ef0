package dev.steno.jitsi.webrtc;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.StunCandidateHarvester;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;
import org.ice4j.util.BufferHandler;

/**
 * One WHIP session's ICE, through an ice4j agent in the controlled role (the publisher controls): connectivity checks
 * against the offer's candidates (and peer-reflexive ones learned from the publisher's checks), and consent
 * freshness checks (RFC 7675) once connected. One component: WHIP publishers bundle and multiplex RTCP.
 *
 * <p>Two ways to the network. Normally the session's candidates are the shared {@link IceListeners} (one port for
 * all sessions, server-reflexive addresses from STUN found at start) and its payload is pushed to a callback by the
 * listener's thread. A relayed candidate needs a socket of its own that talks to the TURN server, so with TURN servers
 * configured each session gets its own sockets in the port range instead (host, server-reflexive and relayed
 * candidates), and its payload is read from {@link #socket}.
 */
final class IceConnection implements AutoCloseable {
    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final CompletableFuture<CandidatePair> connected = new CompletableFuture<>();
    private final List<InetAddress> hostAddresses;
    /** Whether the payload is pushed by the shared listeners (no socket of its own). */
    private final boolean pushed;

    /**
     * @param shared   the shared listeners, or null for sockets of the session's own (TURN)
     * @param payload  receives the session's non-STUN datagrams when {@code shared} is given
     */
    IceConnection(WebRtcConfig config, SdpOffer offer, IceListeners shared, BufferHandler payload)
            throws IOException {
        hostAddresses = config.hostAddresses();
        pushed = shared != null;
        agent = new Agent();
        agent.setLoggingLevel(Level.WARNING);
        agent.setControlling(false);
        agent.setPerformConsentFreshness(true);
        try {
            stream = agent.createMediaStream("audio");
            if (shared != null) {
                agent.setUseDynamicPorts(false);
                shared.harvesters().forEach(agent::addCandidateHarvester);
                component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
                component.setBufferCallback(payload);
            } else {
                for (String s : config.stunServers()) {
                    agent.addCandidateHarvester(new StunCandidateHarvester(IceListeners.address(s)));
                }
                for (WebRtcConfig.TurnServer t : config.turnServers()) {
                    agent.addCandidateHarvester(new TurnCandidateHarvester(IceListeners.address(t.address()),
                            new LongTermCredential(t.username(), t.password())));
                }
                component = agent.createComponent(stream, config.minPort(), config.minPort(), config.maxPort());
            }
            if (!hostAddresses.isEmpty() && localCandidates().stream().noneMatch(c -> c.contains(" typ host"))) {
                throw new IOException("none of the WebRTC host addresses " + hostAddresses + " is an address of an "
                        + "interface that is up (--webrtc-addresses)");
            }
            stream.setRemoteUfrag(offer.iceUfrag());
            stream.setRemotePassword(offer.icePwd());
            for (String c : offer.candidates()) {
                addRemote(c);
            }
        } catch (IOException | RuntimeException e) {
            agent.free();
            throw e;
        }
        agent.addStateChangeListener(this::stateChanged);
    }

    private void stateChanged(PropertyChangeEvent e) {
        Object state = e.getNewValue();
        if (state == IceProcessingState.COMPLETED || state == IceProcessingState.TERMINATED) {
            CandidatePair pair = component.getSelectedPair();
            if (pair != null) {
                connected.complete(pair);
            } else if (state == IceProcessingState.TERMINATED) {
                connected.completeExceptionally(new IOException("ICE ended without a selected pair"));
            }
        } else if (state == IceProcessingState.FAILED) {
            connected.completeExceptionally(new IOException("ICE failed: no candidate pair works"));
        }
    }

    /** Starts the connectivity checks (answer the publisher's and send ours). */
    void start() {
        agent.startConnectivityEstablishment();
    }

    /** Waits until a pair is selected. */
    CandidatePair awaitConnected(long millis) throws IOException, InterruptedException, TimeoutException {
        try {
            return connected.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Adds a candidate line of the offer or of a trickled fragment ({@code a=candidate:} value). Only UDP candidates
     * of component 1 with an IP address are usable; an mDNS name ({@code .local}) is skipped: the publisher's
     * checks reveal that address as a peer-reflexive candidate.
     *
     * @return whether the candidate was added
     */
    boolean addRemote(String candidate) {
        String[] f = candidate.trim().split("\\s+");
        if (f.length < 8 || !f[1].equals("1") || !f[2].equalsIgnoreCase("udp") || !f[6].equals("typ")
                || f[4].toLowerCase(Locale.ROOT).endsWith(".local")) {
            return false;
        }
        try {
            TransportAddress ta = new TransportAddress(f[4], Integer.parseInt(f[5]), Transport.UDP);
            if (ta.isUnresolved()) {
                return false;
            }
            RemoteCandidate rc = new RemoteCandidate(ta, component, CandidateType.parse(f[7]), f[0],
                    Long.parseLong(f[3]), null);
            if (agent.isStarted()) {
                component.addUpdateRemoteCandidates(rc);
                component.updateRemoteCandidates();
            } else {
                component.addRemoteCandidate(rc);
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Steno's ICE username fragment. */
    String localUfrag() {
        return agent.getLocalUfrag();
    }

    /** Steno's ICE password. */
    String localPassword() {
        return agent.getLocalPassword();
    }

    /**
     * Steno's candidates as {@code a=candidate:} values; with host addresses configured, host candidates on other
     * addresses are left out (the agent still answers there, but no publisher is told of them).
     */
    List<String> localCandidates() {
        List<String> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            TransportAddress a = c.getTransportAddress();
            if (a.getTransport() != Transport.UDP) {
                continue;
            }
            if (c.getType() == CandidateType.HOST_CANDIDATE && !hostAddresses.isEmpty()
                    && !hostAddresses.contains(a.getAddress())) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            sb.append(c.getFoundation()).append(' ').append(component.getComponentID()).append(" udp ")
                    .append(c.getPriority()).append(' ').append(a.getHostAddress()).append(' ').append(a.getPort())
                    .append(" typ ").append(c.getType());
            TransportAddress related = c.getRelatedAddress();
            if (related != null) {
                sb.append(" raddr ").append(related.getHostAddress()).append(" rport ").append(related.getPort());
            }
            sb.append(" generation 0");
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * The merged socket of a component with sockets of its own: payload (DTLS, RTP, RTCP) from the selected pair,
     * STUN removed; null for a session on the shared listeners, whose payload is pushed.
     */
    DatagramSocket socket() {
        return pushed ? null : component.getSocket();
    }

    /** The lowest local port of the session (shown to operators; the shared port on the shared listeners). */
    int localPort() {
        return component.getLocalCandidates().stream().mapToInt(c -> c.getTransportAddress().getPort()).min()
                .orElse(0);
    }

    /** When consent was last confirmed (ms since the epoch), or -1 when it never was. */
    long consentFreshness() {
        CandidatePair pair = component.getSelectedPair();
        long t = pair == null ? CandidatePair.CONSENT_FRESHNESS_UNKNOWN : pair.getConsentFreshness();
        return t == CandidatePair.CONSENT_FRESHNESS_UNKNOWN ? -1 : t;
    }

    /** Frees the agent: its own sockets close, its candidates leave the shared listeners. */
    @Override
    public void close() {
        agent.free();
    }
}
