package dev.steno.jitsi.rtp;

import dev.steno.engine.session.SessionListener;
import dev.steno.engine.speaker.FixedSpeaker;
import dev.steno.engine.stream.LiveStream;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Words;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The simplest useful {@link ParticipantAudioSink}: one live engine session per RTP participant on the shared
 * {@link StreamService} (one model, one bounded scheduler), speaker numbers handed out in arrival order, and
 * every update passed to a callback with its participant. {@code steno serve --rtp-ports} uses it to log committed
 * text until a meeting store takes the updates; a participant refused for lack of session slots is logged and its
 * audio dropped, and everyone else continues.
 */
public final class TranscribingSink implements ParticipantAudioSink {
    private static final System.Logger LOG = System.getLogger(TranscribingSink.class.getName());

    private final StreamService service;
    private final String language;
    private final BiConsumer<RtpParticipant, TranscriptUpdate> updates;
    private final Map<RtpParticipant, LiveStream> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger speakers = new AtomicInteger();

    /**
     * @param language the sessions' language, or null for the server default
     * @param updates  receives every transcript update (on an inference worker; must be quick)
     */
    public TranscribingSink(StreamService service, String language,
                            BiConsumer<RtpParticipant, TranscriptUpdate> updates) {
        this.service = Objects.requireNonNull(service, "service");
        this.language = language;
        this.updates = Objects.requireNonNull(updates, "updates");
    }

    /** A sink that logs each participant's committed text at INFO level. */
    public static TranscribingSink logging(StreamService service, String language) {
        return new TranscribingSink(service, language, (p, u) -> {
            if (!u.newlyCommitted().isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "[{0}] {1}: {2}", p.meetingId(), p.participantId(),
                        Words.text(u.newlyCommitted()));
            }
        });
    }

    @Override
    public void start(RtpParticipant participant) {
        int speaker = speakers.incrementAndGet();
        service.stream()
                .language(language)
                .speaker(new FixedSpeaker(speaker))
                .listener(u -> updates.accept(participant, u))
                .events(new SessionListener() {
                    @Override
                    public void onOverflow(double droppedSeconds) {
                        LOG.log(System.Logger.Level.WARNING, "{0}: {1} s of audio dropped, transcription lags",
                                participant, droppedSeconds);
                    }
                })
                .open()
                .ifPresentOrElse(s -> sessions.put(participant, s), () -> LOG.log(System.Logger.Level.WARNING,
                "no free session for RTP participant {0} (raise --max-sessions); its audio is not transcribed",
                participant));
    }

    @Override
    public void audio(RtpParticipant participant, float[] pcm16k, int off, int len) {
        LiveStream s = sessions.get(participant);
        if (s != null) {
            s.addAudio(pcm16k, off, len);
        }
    }

    @Override
    public void end(RtpParticipant participant) {
        LiveStream s = sessions.remove(participant);
        if (s != null) {
            s.endOfStream();
        }
    }

    /** Participants with a live session. */
    public int activeSessions() {
        return sessions.size();
    }
}
