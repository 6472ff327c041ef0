package dev.steno.jitsi.rtp;

import java.util.Objects;

/**
 * One rule of the SSRC/port to participant map.
 *
 * <ul>
 * <li>{@code ssrc} set: that SSRC (on {@code port} only, when set) is {@code participant} of {@code meeting}.</li>
 * <li>{@code ssrc} null: every SSRC on {@code port} joins {@code meeting}; the participant id is {@code participant}
 *     when given (one sender per port, as Kurento's one RtpEndpoint per participant) or "ssrc-&lt;hex&gt;".</li>
 * </ul>
 *
 * @param meeting     meeting id
 * @param participant participant id; may be null only for a port rule
 * @param ssrc        SSRC (unsigned 32 bits) or null
 * @param port        local UDP port or null (any port); a rule needs an SSRC or a port
 * @param payloadType the Opus payload type expected, null for the server default
 * @param srtp        SRTP key, null for plain RTP (or the server default key)
 */
public record RtpMapping(String meeting, String participant, Long ssrc, Integer port, Integer payloadType,
                         SrtpKey srtp) {
    /** Validates the rule. */
    public RtpMapping {
        Objects.requireNonNull(meeting, "meeting");
        if (meeting.isBlank()) {
            throw new IllegalArgumentException("meeting must not be blank");
        }
        if (ssrc == null && port == null) {
            throw new IllegalArgumentException("a mapping needs an ssrc, a port, or both");
        }
        if (ssrc != null && participant == null) {
            throw new IllegalArgumentException("an SSRC mapping needs a participant");
        }
        if (ssrc != null && (ssrc < 0 || ssrc > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("ssrc must be 0 to 4294967295, got " + ssrc);
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
        }
        if (payloadType != null && (payloadType < 0 || payloadType > 127)) {
            throw new IllegalArgumentException("payload type must be 0 to 127, got " + payloadType);
        }
    }

    /** The identity of the rule: rules with the same key replace each other. */
    public String key() {
        return (ssrc == null ? "*" : Long.toString(ssrc)) + "@" + (port == null ? "*" : Integer.toString(port));
    }

    /** The participant id a stream with {@code streamSsrc} gets under this rule. */
    public String participantFor(long streamSsrc) {
        return participant != null ? participant : "ssrc-" + String.format("%08x", streamSsrc);
    }
}
