package dev.steno.jitsi.rtp;

import java.util.Objects;

/**
 * Who one RTP stream belongs to.
 *
 * @param meetingId     the meeting the participant is in
 * @param participantId the participant (the speaker of every word of this stream)
 * @param ssrc          the stream's synchronisation source, unsigned 32 bits
 * @param port          the local UDP port it arrives on
 */
public record RtpParticipant(String meetingId, String participantId, long ssrc, int port) {
    /** Validates the fields. */
    public RtpParticipant {
        Objects.requireNonNull(meetingId, "meetingId");
        Objects.requireNonNull(participantId, "participantId");
    }
}
