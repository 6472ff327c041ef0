package dev.steno.jitsi.rtp;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The SDP a Kurento application passes to {@code RtpEndpoint.processOffer} so that the endpoint sends one
 * participant's audio to Steno: an audio m-line on the participant's port, Opus at 48 kHz stereo (RFC 7587 always
 * names two channels), receive-only. With an SRTP key the profile is RTP/SAVP and the key is offered by SDES
 * ({@code a=crypto}, RFC 4568), so the sender encrypts with it.
 */
public final class KurentoSdp {
    private KurentoSdp() {
    }

    /**
     * Builds the offer.
     *
     * @param address     where senders reach Steno (the {@code c=} line)
     * @param port        the participant's RTP port
     * @param payloadType the Opus payload type
     * @param srtp        SRTP key to offer, or null for plain RTP
     * @param sessionId   the {@code o=} session id (e.g. a timestamp)
     */
    public static String offer(String address, int port, int payloadType, SrtpKey srtp, long sessionId) {
        String family = isIpv6(address) ? "IP6" : "IP4";
        StringBuilder b = new StringBuilder(256);
        line(b, "v=0");
        line(b, "o=- " + sessionId + " " + sessionId + " IN " + family + " " + address);
        line(b, "s=Steno RTP ingest");
        line(b, "c=IN " + family + " " + address);
        line(b, "t=0 0");
        line(b, "m=audio " + port + " " + (srtp == null ? "RTP/AVP" : "RTP/SAVP") + " " + payloadType);
        line(b, "a=rtpmap:" + payloadType + " opus/48000/2");
        line(b, "a=fmtp:" + payloadType + " useinbandfec=1");
        if (srtp != null) {
            line(b, "a=crypto:1 " + srtp.suite().name() + " inline:" + srtp.base64());
        }
        line(b, "a=recvonly");
        return b.toString();
    }

    private static boolean isIpv6(String address) {
        if (!address.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(address).getAddress().length == 16;
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static void line(StringBuilder b, String s) {
        b.append(s).append("\r\n");
    }
}
