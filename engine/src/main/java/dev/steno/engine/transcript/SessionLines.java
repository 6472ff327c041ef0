package dev.steno.engine.transcript;

import java.util.List;
import java.util.UUID;

/**
 * Publishes the lines of one stream's transcript updates once each, when they close: every line but the newest is
 * closed (the newest may still grow), and the final update closes them all. Silence lines are not published. Not
 * thread-safe: a session publishes its updates one at a time.
 */
public final class SessionLines {
    private final LineSink sink;
    private final String source;
    private final String session;
    private final String meeting;
    private final String participant;
    private final String language;
    private int closed;

    /**
     * @param source   {@code asr}, {@code rtp}, ...
     * @param session  the stream's id
     * @param language the language transcribed, or null when detected
     */
    public SessionLines(LineSink sink, String source, String session, String language) {
        this(sink, source, session, null, null, language);
    }

    /**
     * Lines of one participant's stream outside a stored meeting (an RTP tap without {@code --jitsi}).
     *
     * @param meeting     the meeting id the media server named, or null
     * @param participant the participant id, or null
     */
    public SessionLines(LineSink sink, String source, String session, String meeting, String participant,
                        String language) {
        this.sink = sink;
        this.source = source;
        this.session = session;
        this.meeting = meeting;
        this.participant = participant;
        this.language = language;
    }

    /** Takes the stream's newest update. */
    public void update(TranscriptUpdate u) {
        List<TranscriptLine> lines = u.lines();
        int closedNow = u.final_() ? lines.size() : Math.max(closed, lines.size() - 1);
        for (int i = closed; i < closedNow; i++) {
            TranscriptLine l = lines.get(i);
            if (!l.isSilence() && !l.text().isBlank()) {
                sink.committed(new LineEvent(UUID.randomUUID().toString(), source, session, meeting, l.speaker(),
                        participant, l.start(), l.end(), l.text().strip(), language));
            }
        }
        closed = closedNow;
    }
}
