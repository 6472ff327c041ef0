package dev.steno.jitsi.meeting;

import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.corrections.Corrector;
import dev.steno.engine.session.SessionListener;
import dev.steno.engine.stream.LiveStream;
import dev.steno.engine.transcript.LineSink;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All participant streams of one meeting id. Obtained from {@link MeetingRegistry#meeting}; thread-safe.
 *
 * <p>The meeting clock starts when the meeting was first opened (also across restarts: the start is stored); a
 * participant's stream is placed on it at the moment the participant joins, so lines of all participants merge by
 * time.
 */
public final class Meeting {
    private static final System.Logger LOG = System.getLogger(Meeting.class.getName());

    private final String id;
    private final long startedMillis;
    private final MeetingRegistry registry;
    private final Map<String, Participant> active = new ConcurrentHashMap<>();
    /** The term corrections of participants who join from now on; the server-wide ones until a socket names a set. */
    private volatile Corrector corrections;
    /** Speaker numbers handed out while the store could not be reached (above any stored number). */
    private final Map<String, Integer> unstoredSpeakers = new ConcurrentHashMap<>();
    private volatile long lastActivityMillis;
    /** The {@code ?webhook=} URLs of the meeting's sockets, in the order they came. */
    private final Set<String> webhookUrls = new LinkedHashSet<>();
    private volatile LineSink lines;

    Meeting(String id, long startedMillis, MeetingRegistry registry) {
        this.id = id;
        this.startedMillis = startedMillis;
        this.registry = registry;
        this.lastActivityMillis = registry.nowMillis();
        this.corrections = registry.service().corrections().standard();
        this.lines = registry.webhooks(List.of());
    }

    /**
     * Sends the meeting's committed lines to this URL as well (from a socket's {@code ?webhook=}) from now on.
     *
     * @throws IllegalArgumentException the URL is invalid or not on the server's allow-list
     */
    public synchronized void addWebhook(String url) {
        if (webhookUrls.contains(url)) {
            return;
        }
        List<String> urls = new ArrayList<>(webhookUrls);
        urls.add(url);
        lines = registry.webhooks(urls);
        webhookUrls.add(url);
    }

    /** Where the meeting's committed lines go. */
    LineSink lines() {
        return lines;
    }

    /**
     * The term corrections for participants who join from now on (a socket's {@code ?corrections=<name>}): a
     * meeting's set applies to all its participants, also those whose own socket names none; participants already
     * transcribed keep theirs.
     */
    public void useCorrections(Corrector corrections) {
        this.corrections = Objects.requireNonNull(corrections, "corrections");
    }

    /** The meeting id. */
    public String id() {
        return id;
    }

    /** When the meeting started (epoch milliseconds). */
    public long startedMillis() {
        return startedMillis;
    }

    /**
     * Starts a participant's stream with its own engine session. A participant that is still active under the same
     * id is ended first (a new stream replaces it, as when a bridge restarts a participant's audio).
     *
     * @param participantId the participant's id in the meeting (endpoint id, Jigasi participant id, ...)
     * @param displayName   the name to show in transcripts, or null when unknown
     * @param language      the language to transcribe (ISO 639-1), or null for the server default
     * @param listener      receives the participant's captions
     * @throws NoCapacityException      the server serves its maximum number of sessions, or drains
     * @throws IllegalArgumentException the id is empty, too long or has control characters
     */
    public Participant join(String participantId, String displayName, String language, ParticipantListener listener) {
        MeetingRegistry.checkId("participant id", participantId);
        if (!registry.joining()) {
            throw new NoCapacityException("this node is draining: participant " + participantId + " of meeting " + id
                    + " is not transcribed here; its client reconnects to another node");
        }
        Participant previous = active.get(participantId);
        if (previous != null) {
            if (!previous.isEnding()) {
                LOG.log(System.Logger.Level.INFO, "{0} joins again: its previous stream ends", previous);
            }
            previous.end();
            active.remove(participantId, previous);
        }
        long now = registry.nowMillis();
        lastActivityMillis = now;
        TranscriptStore.StreamSlot slot;
        try {
            slot = registry.store().addStream(id, participantId, displayName, language, now);
        } catch (TranscriptStore.StoreException e) {
            // live captions matter more than the archive: transcribe anyway, and say loudly what is not kept
            LOG.log(System.Logger.Level.ERROR, "transcript store unavailable (" + e.getMessage() + "): participant "
                    + participantId + " of meeting " + id + " is captioned live but its lines may not be stored");
            slot = new TranscriptStore.StreamSlot(
                    unstoredSpeakers.computeIfAbsent(participantId, k -> 1000 + unstoredSpeakers.size()), 0);
        }
        double offset = Math.max(0, (now - startedMillis) / 1000.0);
        Participant p = new Participant(this, participantId, displayName, language, slot, offset,
                registry.diarizesParticipants(), listener == null ? ParticipantListener.NONE : listener);
        Optional<LiveStream> session = registry.service().stream()
                .language(whisperLanguage(language, p))
                .corrections(corrections)
                .speaker(registry.speakerStage(slot.speaker()))
                .listener(p::onUpdate)
                .events(new SessionListener() {
                    @Override
                    public void onOverflow(double droppedSeconds) {
                        LOG.log(System.Logger.Level.WARNING, "{0} lags: dropped {1} s of its oldest audio", p,
                                droppedSeconds);
                    }

                    @Override
                    public void onError(Throwable error) {
                        LOG.log(System.Logger.Level.WARNING, "transcription step of " + p + " failed: "
                                + error.getMessage());
                    }
                })
                .open();
        if (session.isEmpty()) {
            throw new NoCapacityException("the server is at its maximum number of sessions; participant "
                    + participantId + " of meeting " + id + " is not transcribed");
        }
        active.put(participantId, p);
        registry.joined(this, p);
        p.attach(session.get());
        LOG.log(System.Logger.Level.INFO, "{0} joined (language {1})", p, language == null ? "default" : language);
        return p;
    }

    /**
     * The Whisper language code for what a client asked for: "en-US" and "en_GB" become "en"; a code Whisper does not
     * know falls back to the server's default with a warning rather than failing every step of the session.
     */
    static String whisperLanguage(String requested, Object who) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        String primary = requested.strip().split("[-_]", 2)[0];
        try {
            return WhisperLanguages.parse(primary);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} asked for language ''{1}'', which Whisper does not know; "
                    + "transcribing with the server default", who, requested);
            return null;
        }
    }

    /** The active participant with this id. */
    public Optional<Participant> participant(String participantId) {
        return Optional.ofNullable(active.get(participantId));
    }

    /** The participants whose streams are active now. */
    public List<Participant> participants() {
        return List.copyOf(active.values());
    }

    /** The transcript so far, as stored (committed lines only). */
    public MeetingTranscript transcript() {
        return registry.store().transcript(id)
                .orElse(new MeetingTranscript(id, startedMillis, List.of(), List.of(), List.of()));
    }

    /** When a participant last joined or left (epoch milliseconds). */
    public long lastActivityMillis() {
        return lastActivityMillis;
    }

    void left(Participant p) {
        active.remove(p.id(), p);
        registry.left(p);
        lastActivityMillis = registry.nowMillis();
        LOG.log(System.Logger.Level.INFO, "{0} left after {1} s of audio", p, p.receivedSeconds());
    }

    /** A participant ended with writes the store refused: the registry retries them. */
    void unstored(StreamWriter writer) {
        registry.unstored(writer);
    }

    TranscriptStore store() {
        return registry.store();
    }

    long nowMillis() {
        return registry.nowMillis();
    }
}
