package dev.steno.jitsi.webrtc;

import dev.steno.jitsi.rtp.ParticipantAudioSink;

/** Makes the audio sink of one WHIP session from what its publisher asked for (language, meeting, diarization). */
@FunctionalInterface
public interface WhipSinkFactory {
    /**
     * @param sessionId the WHIP session
     * @param options   the publisher's query options
     * @return where this session's decoded audio goes; it sees one participant
     */
    ParticipantAudioSink create(String sessionId, WhipOptions options);
}
