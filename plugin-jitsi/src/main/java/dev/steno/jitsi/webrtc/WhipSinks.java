package dev.steno.jitsi.webrtc;

import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.transcript.Words;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.rtp.MeetingAudioSink;
import dev.steno.jitsi.rtp.ParticipantAudioSink;
import dev.steno.jitsi.rtp.TranscribingSink;
import dev.steno.server.asr.AsrState;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The sinks {@code steno serve} gives WHIP sessions. With the meeting store on ({@code --jitsi}) every session is a
 * participant of a stored meeting ({@code ?meeting=}, or a meeting of its own), like the RTP taps. Without it each
 * session is one engine session on the shared service whose committed text is logged, goes to the server's webhooks
 * (source {@code whip}), and whose transcript goes to its results socket as {@code /asr} messages, ending with
 * {@code ready_to_stop} once the session ended and its last words are in; {@code ?diarization=true} tells voices apart within it.
 */
public final class WhipSinks implements WhipSinkFactory {
    private static final System.Logger LOG = System.getLogger(WhipSinks.class.getName());
    private static final String READY_TO_STOP = "{\"type\":\"ready_to_stop\"}";

    private final StreamService service;
    private final Optional<Supplier<MeetingRegistry>> meetings;
    private final String defaultLanguage;
    private final DiarizerFactory voices;
    private final WhipResults results;

    /**
     * @param meetings        the meeting store, when on
     * @param defaultLanguage language of sessions that ask for none, or null for the server's
     * @param voices          diarizer for {@code ?diarization=true}, or null when none is configured
     */
    public WhipSinks(StreamService service, Optional<Supplier<MeetingRegistry>> meetings, String defaultLanguage,
                     DiarizerFactory voices, WhipResults results) {
        this.service = service;
        this.meetings = meetings;
        this.defaultLanguage = defaultLanguage;
        this.voices = voices;
        this.results = results;
    }

    @Override
    public ParticipantAudioSink create(String sessionId, WhipOptions options) {
        String language = options.language() != null ? options.language() : defaultLanguage;
        if (meetings.isPresent()) {
            return new MeetingAudioSink(meetings.get(), language);
        }
        if (options.diarization() && voices == null) {
            LOG.log(System.Logger.Level.WARNING, "WHIP session {0} asked for diarization, but no diarization "
                    + "backend is configured", sessionId);
        }
        boolean diarized = options.diarization() && voices != null;
        return new TranscribingSink(service, language, diarized ? voices : null, "whip", (p, u) -> {
            results.publish(sessionId, AsrState.of(AsrState.ACTIVE, u, diarized).toFullJson().toString());
            if (u.final_()) {
                results.publish(sessionId, READY_TO_STOP); // as /asr ends: the transcript is complete
            }
            String text = Words.text(u.newlyCommitted());
            if (!text.isBlank()) {
                LOG.log(System.Logger.Level.INFO, "[{0}] {1}: {2}", p.meetingId(), p.participantId(), text);
            }
        });
    }
}
