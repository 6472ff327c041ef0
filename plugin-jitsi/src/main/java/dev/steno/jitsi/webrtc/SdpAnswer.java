package dev.steno.jitsi.webrtc;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Builds the WHIP answer: the first audio m-line accepted receive-only with Opus alone, every other m-line refused
 * with port 0 (RFC 3264 section 6), one transport (BUNDLE of the accepted mid), Steno's ICE credentials, candidates
 * and certificate fingerprint, and {@code a=setup:passive} so that the publisher is the DTLS client.
 */
public final class SdpAnswer {
    private SdpAnswer() {
    }

    /**
     * @param offer       the parsed offer
     * @param ufrag       Steno's ICE username fragment
     * @param pwd         Steno's ICE password
     * @param fingerprint SHA-256 digest of Steno's DTLS certificate
     * @param candidates  Steno's candidates as {@code a=candidate} values
     * @param sessionId   the o= line's session id
     */
    public static String build(SdpOffer offer, String ufrag, String pwd, byte[] fingerprint, List<String> candidates,
                               long sessionId) {
        int audio = offer.audioIndex();
        SdpOffer.Media a = offer.media().get(audio);
        StringBuilder sb = new StringBuilder(1024);
        line(sb, "v=0");
        line(sb, "o=steno " + sessionId + " 1 IN IP4 0.0.0.0");
        line(sb, "s=-");
        line(sb, "t=0 0");
        if (a.mid() != null) {
            line(sb, "a=group:BUNDLE " + a.mid());
        }
        for (int i = 0; i < offer.media().size(); i++) {
            SdpOffer.Media m = offer.media().get(i);
            if (i != audio) {
                String fmt = m.formats().isBlank() ? "0" : m.formats().split(" ")[0];
                line(sb, "m=" + m.kind() + " 0 " + m.proto() + " " + fmt);
                line(sb, "c=IN IP4 0.0.0.0");
                if (m.mid() != null) {
                    line(sb, "a=mid:" + m.mid());
                }
                line(sb, "a=inactive");
                continue;
            }
            line(sb, "m=audio 9 " + m.proto() + " " + m.opusPayload());
            line(sb, "c=IN IP4 0.0.0.0");
            line(sb, "a=rtcp:9 IN IP4 0.0.0.0");
            line(sb, "a=ice-ufrag:" + ufrag);
            line(sb, "a=ice-pwd:" + pwd);
            line(sb, "a=fingerprint:sha-256 " + HexFormat.ofDelimiter(":").formatHex(fingerprint)
                    .toUpperCase(Locale.ROOT));
            line(sb, "a=setup:passive");
            if (m.mid() != null) {
                line(sb, "a=mid:" + m.mid());
            }
            line(sb, "a=recvonly");
            line(sb, "a=rtcp-mux");
            line(sb, "a=rtpmap:" + m.opusPayload() + " opus/48000/2");
            // in-band FEC is what the decoder's loss recovery uses
            line(sb, "a=fmtp:" + m.opusPayload() + " minptime=10;useinbandfec=1");
            for (String c : candidates) {
                line(sb, "a=candidate:" + c);
            }
            line(sb, "a=end-of-candidates");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append("\r\n");
    }
}
