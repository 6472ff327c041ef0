package dev.steno.jitsi.meeting;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One participant's audio as an entry point receives it, across pauses: joins the meeting on the first audio and
 * again after the participant went quiet (muted, left the call) for longer than the idle limit.
 *
 * <p>A participant's stream time only advances with the audio it sends, so a stream that resumed after a long pause
 * would place its later lines too early on the meeting clock. Ending the stream when the participant goes idle, and
 * starting a new one (placed at the current time) when audio comes back, keeps every line where it was said; it also
 * makes the last words before the pause final at once instead of leaving them tentative until the participant speaks
 * again. Thread-safe; the entry point's network thread is normally its only caller.
 */
public final class ParticipantFeed {
    /** Pause after which the stream ends and the next audio starts a new one. */
    public static final long DEFAULT_IDLE_NANOS = 5_000_000_000L;

    private final Meeting meeting;
    private final String participantId;
    private final String displayName;
    private final String language;
    private final ParticipantListener listener;
    private final long idleNanos;
    private final LongSupplier nanoClock;
    private Participant current;
    private long lastAudioNanos;

    /**
     * @param idleNanos a pause longer than this ends the stream
     * @param nanoClock monotonic clock ({@code System::nanoTime})
     */
    public ParticipantFeed(Meeting meeting, String participantId, String displayName, String language,
                           ParticipantListener listener, long idleNanos, LongSupplier nanoClock) {
        this.meeting = Objects.requireNonNull(meeting, "meeting");
        MeetingRegistry.checkId("participant id", participantId);
        this.participantId = participantId;
        this.displayName = displayName;
        this.language = language;
        this.listener = listener;
        this.idleNanos = idleNanos;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A feed that ends its stream after {@link #DEFAULT_IDLE_NANOS} without audio. */
    public ParticipantFeed(Meeting meeting, String participantId, String displayName, String language,
                           ParticipantListener listener) {
        this(meeting, participantId, displayName, language, listener, DEFAULT_IDLE_NANOS, System::nanoTime);
    }

    /** The participant id. */
    public String participantId() {
        return participantId;
    }

    /** True when a stream is open and has had no audio for longer than the idle limit. */
    public synchronized boolean isIdle() {
        return current != null && nanoClock.getAsLong() - lastAudioNanos > idleNanos;
    }

    /** Ends the stream if it is idle (see {@link #isIdle()}); returns whether it did. */
    public synchronized boolean endIfIdle() {
        if (!isIdle()) {
            return false;
        }
        endStream();
        return true;
    }

    /**
     * The stream audio goes to now, joining the meeting if none is open.
     *
     * @throws NoCapacityException the server has no session to spare
     */
    public synchronized Participant participant() {
        if (current == null || current.isDone()) {
            current = meeting.join(participantId, displayName, language, listener);
            lastAudioNanos = nanoClock.getAsLong();
        }
        return current;
    }

    /** The open stream, or null when none is open. */
    public synchronized Participant current() {
        return current == null || current.isDone() ? null : current;
    }

    /** Adds 16 kHz audio to the open stream (joining if needed). */
    public synchronized boolean addAudio16k(float[] samples, int offset, int length) {
        lastAudioNanos = nanoClock.getAsLong();
        return participant().addAudio16k(samples, offset, length);
    }

    /**
     * Adds 16 kHz audio to the open stream only: without one (it ended, or never began) the audio is dropped instead
     * of joining the participant, as for a decoder's last few milliseconds after the stream was ended.
     *
     * @return whether the audio was taken
     */
    public synchronized boolean addAudio16kToOpen(float[] samples, int offset, int length) {
        Participant open = current();
        return open != null && open.addAudio16k(samples, offset, length);
    }

    /** Adds 48 kHz audio to the open stream (joining if needed). */
    public synchronized boolean addPcm48k(float[] samples, int offset, int length) {
        lastAudioNanos = nanoClock.getAsLong();
        return participant().addPcm48k(samples, offset, length);
    }

    /**
     * Ends the open stream, if any: its last words are committed; later audio starts a new stream.
     *
     * @return completes once the ended stream is over (its final result delivered and stored), normally also when it
     *         failed or was cancelled; at once when no stream was open
     */
    public synchronized CompletableFuture<Void> endStream() {
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        Participant ended = current;
        current = null;
        ended.end();
        return ended.finished().exceptionally(error -> null);
    }
}
