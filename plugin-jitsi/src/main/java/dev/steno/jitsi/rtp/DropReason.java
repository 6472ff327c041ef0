package dev.steno.jitsi.rtp;

/** Why a datagram was not turned into audio; counted per reason and logged at a limited rate. */
public enum DropReason {
    /** Shorter than the 12-byte RTP header plus its CSRC list, extension and padding. */
    TRUNCATED("truncated RTP packet"),
    /** The version field is not 2 (and the datagram is not STUN either). */
    WRONG_VERSION("RTP version is not 2"),
    /** Padding count of zero or longer than the payload. */
    BAD_PADDING("invalid RTP padding"),
    /** Larger than the receive limit, or a payload longer than any Opus packet. */
    OVERSIZED("oversized datagram"),
    /** RTCP arrived on the RTP port (rtcp-mux); not needed for audio. */
    RTCP("RTCP packet (ignored)"),
    /** The payload type is not the one configured for Opus. */
    WRONG_PAYLOAD_TYPE("wrong RTP payload type"),
    /** No mapping names this SSRC or port. */
    UNKNOWN_SSRC("unknown SSRC"),
    /** More streams than the configured limit. */
    TOO_MANY_STREAMS("stream limit reached"),
    /** The same sequence number again. */
    DUPLICATE("duplicate packet"),
    /** Arrived after its place in the stream was already played out (or concealed). */
    TOO_LATE("packet arrived too late"),
    /** The stream's jitter buffer is full because decoding falls behind (CPU overload). */
    OVERLOAD("decoder behind, jitter buffer full"),
    /** SRTP authentication or replay check failed. */
    SRTP_FAILED("SRTP authentication failed"),
    /** The payload is not a valid Opus packet. */
    BAD_OPUS("invalid Opus payload"),
    /** A STUN message that is not a binding request. */
    STUN_UNSUPPORTED("unsupported STUN message");

    private final String text;

    DropReason(String text) {
        this.text = text;
    }

    /** A short human-readable description for logs. */
    public String text() {
        return text;
    }
}
