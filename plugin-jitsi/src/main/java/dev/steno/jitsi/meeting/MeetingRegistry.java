package dev.steno.jitsi.meeting;

import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.speaker.DiarizedSpeaker;
import dev.steno.engine.speaker.FixedSpeaker;
import dev.steno.engine.speaker.SpeakerStage;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.transcript.LineSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Meeting id to {@link Meeting}: the entry point of the meeting core. Every entry point (videobridge export, Jigasi,
 * Vosk, RTP) asks it for the meeting a stream belongs to, then joins participants there. Thread-safe.
 *
 * <p>Meetings live in memory while they have active participants; their transcripts live in the
 * {@link TranscriptStore}, so a meeting opened again (or after a restart) continues its clock and speaker numbers.
 *
 * <p>A participant is one speaker of the meeting. With a diarizer for participants, each participant's stream is also
 * diarized within itself (a room microphone with several people): its lines carry the voice that spoke them, shown
 * as "Name", "Name (2)", ...; the participant keeps its one speaker number in the meeting.
 */
public final class MeetingRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeetingRegistry.class.getName());
    /** Longest meeting or participant id accepted. */
    public static final int MAX_ID_LENGTH = 200;

    private final StreamService service;
    private final TranscriptStore store;
    private final LongSupplier clockMillis;
    private final DiarizerFactory participantVoices;
    private final Map<String, Meeting> meetings = new ConcurrentHashMap<>();
    /** Every active participant, also of meetings no longer in {@link #meetings} (evicted while a socket held them). */
    private final Set<Participant> live = ConcurrentHashMap.newKeySet();
    /** Writers of ended participants whose lines the store has not taken yet. */
    private final Set<StreamWriter> unstored = ConcurrentHashMap.newKeySet();
    private volatile boolean joining = true;
    /** The sink of the lines of a meeting whose sockets named these webhook URLs; refuses any URL unless set. */
    private volatile Function<List<String>, LineSink> webhooks = MeetingRegistry::noWebhooks;

    /**
     * @param service the shared streams (one model, one bounded scheduler)
     * @param store   where transcripts are persisted; not closed by this registry
     */
    public MeetingRegistry(StreamService service, TranscriptStore store) {
        this(service, store, null, System::currentTimeMillis);
    }

    /**
     * @param service           the shared streams (one model, one bounded scheduler)
     * @param store             where transcripts are persisted; not closed by this registry
     * @param participantVoices diarizes each participant's stream within itself, or null when every participant is
     *                          one voice; not closed by this registry
     */
    public MeetingRegistry(StreamService service, TranscriptStore store, DiarizerFactory participantVoices) {
        this(service, store, participantVoices, System::currentTimeMillis);
    }

    /** As the two-argument constructor with a wall clock of its own (epoch milliseconds), for tests. */
    public MeetingRegistry(StreamService service, TranscriptStore store, LongSupplier clockMillis) {
        this(service, store, null, clockMillis);
    }

    /** As the three-argument constructor with a wall clock of its own (epoch milliseconds), for tests. */
    public MeetingRegistry(StreamService service, TranscriptStore store, DiarizerFactory participantVoices,
                           LongSupplier clockMillis) {
        this.service = Objects.requireNonNull(service, "service");
        this.store = Objects.requireNonNull(store, "store");
        this.participantVoices = participantVoices;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /** True when participants are diarized within themselves (several voices per participant). */
    /**
     * Sends the committed lines of meetings opened from now on where {@code hooks} says: it gives the sink of a meeting
     * whose sockets named these {@code ?webhook=} URLs, and throws {@link IllegalArgumentException} for a URL that is
     * not allowed. The server's webhooks, in a server; nothing unless set (the meeting core runs without the server).
     */
    public void useWebhooks(Function<List<String>, LineSink> hooks) {
        this.webhooks = Objects.requireNonNull(hooks, "hooks");
    }

    /** The sink of a meeting whose sockets named these URLs; see {@link #useWebhooks}. */
    public LineSink webhooks(List<String> urls) {
        return webhooks.apply(urls);
    }

    private static LineSink noWebhooks(List<String> urls) {
        if (!urls.isEmpty()) {
            throw new IllegalArgumentException("webhook URL not allowed: the server has no --webhook-allow");
        }
        return LineSink.NONE;
    }

    public boolean diarizesParticipants() {
        return participantVoices != null;
    }

    /**
     * The meeting with this id, opened (and stored) if it is not active.
     *
     * @throws IllegalArgumentException the id is empty, too long or has control characters
     */
    public Meeting meeting(String meetingId) {
        checkId("meeting id", meetingId);
        return meetings.computeIfAbsent(meetingId, id -> new Meeting(id, openInStore(id), this));
    }

    private long openInStore(String id) {
        long now = clockMillis.getAsLong();
        try {
            return store.openMeeting(id, now);
        } catch (TranscriptStore.StoreException e) {
            LOG.log(System.Logger.Level.ERROR, "transcript store unavailable (" + e.getMessage() + "): meeting " + id
                    + " is captioned live but may not be stored");
            return now;
        }
    }

    /**
     * Writes again what the store refused (it was restarting, failing over or unreachable), for live participants and
     * for ended ones; the extension runs it every few seconds.
     *
     * @return writes still waiting
     */
    public int retryPendingWrites() {
        int waiting = 0;
        for (Participant p : live) {
            if (p.pendingWrites() > 0 && !p.flushWrites()) {
                waiting += p.pendingWrites();
            }
        }
        for (StreamWriter w : unstored) {
            if (w.flush()) {
                unstored.remove(w);
            } else {
                waiting += w.pending();
            }
        }
        return waiting;
    }

    /** Participants whose streams are live (not yet over), in all meetings. */
    public int liveParticipants() {
        return live.size();
    }

    /** Writes of ended participants still waiting for the store. */
    public int unstoredWrites() {
        return unstored.stream().mapToInt(StreamWriter::pending).sum();
    }

    /** The meeting if it is in memory (has or recently had active participants). */
    public Optional<Meeting> active(String meetingId) {
        return Optional.ofNullable(meetings.get(meetingId));
    }

    /** The stored transcript of a meeting, whether active or not; empty for an unknown meeting. */
    public Optional<MeetingTranscript> transcript(String meetingId) {
        return store.transcript(meetingId);
    }

    /** The store transcripts are written to. */
    public TranscriptStore store() {
        return store;
    }

    /** Forgets meetings without active participants that were idle for at least {@code idleMillis}. */
    public void evictIdle(long idleMillis) {
        long now = clockMillis.getAsLong();
        meetings.values().removeIf(m -> m.participants().isEmpty() && now - m.lastActivityMillis() >= idleMillis);
    }

    /**
     * Ends every active participant, waits up to {@code graceMillis} for their last words to be committed and
     * stored, then cancels those still running.
     */
    public void endAll(long graceMillis) {
        List<Participant> all = new ArrayList<>(live);
        try {
            end(all).get(graceMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "participants still transcribing after {0} ms are cancelled",
                    graceMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // a participant that failed or was cancelled is done as well
        }
        for (Participant p : all) {
            p.cancel();
        }
    }

    /**
     * Ends every active participant without waiting.
     *
     * @return completes once all of them are over: their last words committed and stored (normally also for one that
     *         failed or was cancelled)
     */
    public CompletableFuture<Void> endAll() {
        return end(new ArrayList<>(live));
    }

    /** Stops every active participant at once: audio not yet transcribed is dropped, committed lines are stored. */
    public void cancelAll() {
        for (Participant p : new ArrayList<>(live)) {
            p.cancel();
        }
    }

    /**
     * Joins no participant from now on: {@link Meeting#join} refuses with a {@link NoCapacityException}, so that a
     * draining node takes no new streams, also where audio keeps arriving (RTP, a bridge still sending).
     */
    public void stopJoining() {
        joining = false;
    }

    private static CompletableFuture<Void> end(List<Participant> participants) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Participant p : participants) {
            p.end();
            done.add(p.stored());
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /** Ends all participants with a 5 s grace period. The store is not closed. */
    @Override
    public void close() {
        endAll(5_000);
        meetings.clear();
    }

    /** A participant joined {@code m}: keep the meeting findable (it may have been evicted while idle). */
    void joined(Meeting m, Participant p) {
        meetings.putIfAbsent(m.id(), m);
        live.add(p);
    }

    void unstored(StreamWriter writer) {
        unstored.add(writer);
    }

    void left(Participant p) {
        live.remove(p);
    }

    StreamService service() {
        return service;
    }

    boolean joining() {
        return joining;
    }

    /** The speaker stage of a new stream of the participant numbered {@code speaker} in its meeting. */
    SpeakerStage speakerStage(int speaker) {
        return participantVoices == null ? new FixedSpeaker(speaker)
                : new DiarizedSpeaker(participantVoices.newDiarizer());
    }

    long nowMillis() {
        return clockMillis.getAsLong();
    }

    static void checkId(String what, String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character");
            }
        }
    }
}
