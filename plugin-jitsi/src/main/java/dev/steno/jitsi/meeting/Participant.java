package dev.steno.jitsi.meeting;

import dev.steno.engine.audio.Resampler;
import dev.steno.engine.stream.LiveStream;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.LineEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One participant's audio stream in a {@link Meeting}, transcribed by its own engine session (lines carry the
 * participant's speaker number, and the voice within the participant when the meeting diarizes participants).
 * Created by {@link Meeting#join}.
 *
 * <p>Ingest: push audio with {@link #addAudio16k} (16 kHz mono float) or {@link #addPcm48k} (48 kHz mono float, as
 * Opus decodes), then {@link #end()}. The ingest methods are thread-safe and never wait for inference. Captions go to
 * the {@link ParticipantListener}; committed lines and words go to the meeting's {@link TranscriptStore} as they are
 * committed.
 */
public final class Participant {
    private static final System.Logger LOG = System.getLogger(Participant.class.getName());

    private final Meeting meeting;
    private final String id;
    private final String displayName;
    private final String language;
    private final int speaker;
    private final double offsetSeconds;
    private final ParticipantListener listener;
    private final UtteranceTracker tracker;
    private final StreamWriter writer;
    /** This stream's id in webhook events: a participant that joins again is a new session. */
    private final String sessionId = Uuid7.next().toString();
    private final CompletableFuture<Void> stored = new CompletableFuture<>();
    private final Object ingestLock = new Object();
    private volatile LiveStream session;
    private volatile long samples16k;
    private volatile boolean ending;
    // guarded by ingestLock
    private Resampler resampler48;
    private float[] resampled = new float[0];

    /**
     * @param voices true when the session's speaker stage diarizes within the participant, so that its line speaker
     *               numbers are voices
     */
    Participant(Meeting meeting, String id, String displayName, String language, TranscriptStore.StreamSlot slot,
                double offsetSeconds, boolean voices, ParticipantListener listener) {
        this.meeting = meeting;
        this.id = id;
        this.displayName = displayName;
        this.language = language;
        this.speaker = slot.speaker();
        this.offsetSeconds = offsetSeconds;
        this.listener = listener;
        this.tracker = new UtteranceTracker(offsetSeconds, voices, new StoreAndNotify());
        this.writer = new StreamWriter(meeting.store(), meeting.id(), id, displayName, language, slot.stream(),
                meeting::nowMillis, toString());
    }

    void attach(LiveStream s) {
        this.session = s;
        s.finished().whenComplete((v, error) -> {
            try {
                if (!writer.flush()) {
                    meeting.unstored(writer);
                }
                meeting.left(this);
                try {
                    listener.onEnded(this, error);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "participant listener failed", e);
                }
            } finally {
                stored.complete(null);
            }
        });
    }

    /** The participant's id within the meeting (endpoint id, Jigasi participant id, ...). */
    public String id() {
        return id;
    }

    /** The name to show, or null when unknown. */
    public String displayName() {
        return displayName;
    }

    /** The language transcribed, or null for the server default. */
    public String language() {
        return language;
    }

    /** The participant's speaker number in the meeting, from 1. */
    public int speaker() {
        return speaker;
    }

    /**
     * The name of one of this participant's voices: the display name (or the id when there is none) for voice 1,
     * with " (k)" for voice k above; see {@link MeetingTranscript#voiceLabel}.
     */
    public String label(int voice) {
        return new MeetingTranscript.ParticipantInfo(id, speaker, displayName, language).label(voice);
    }

    /** The meeting. */
    public Meeting meeting() {
        return meeting;
    }

    /** Where this stream's time 0 lies on the meeting clock, in seconds. */
    public double offsetSeconds() {
        return offsetSeconds;
    }

    /** Seconds of 16 kHz audio accepted so far. */
    public double receivedSeconds() {
        return samples16k / 16_000.0;
    }

    /**
     * Adds 16 kHz mono audio in [-1, 1]; the samples are copied.
     *
     * @return false when the session no longer takes audio (ended, cancelled, failed)
     */
    public boolean addAudio16k(float[] samples, int offset, int length) {
        boolean taken = session.addAudio(samples, offset, length);
        if (taken) {
            samples16k += length;
        }
        return taken;
    }

    /** Adds 48 kHz mono audio in [-1, 1], resampled to 16 kHz; the samples are copied. */
    public boolean addPcm48k(float[] samples, int offset, int length) {
        synchronized (ingestLock) {
            if (resampler48 == null) {
                resampler48 = new Resampler(48_000, 16_000);
            }
            int max = resampler48.maxOutput(length);
            if (resampled.length < max) {
                resampled = new float[max];
            }
            int n = resampler48.process(samples, offset, length, resampled, 0);
            return addAudio16k(resampled, 0, n);
        }
    }

    /**
     * Ends the participant's stream: the remaining audio is transcribed, the last utterance becomes final, then
     * {@link ParticipantListener#onEnded} is called. Later audio is refused.
     */
    public void end() {
        ending = true;
        synchronized (ingestLock) {
            if (resampler48 != null) {
                int n = resampler48.flush(resampled, 0);
                addAudio16k(resampled, 0, n);
                resampler48 = null;
            }
        }
        session.endOfStream();
    }

    /** True once {@link #end()} or {@link #cancel()} was called (the session may still be finishing). */
    public boolean isEnding() {
        return ending || session.isDone();
    }

    /** Stops at once: pending audio is dropped (what was committed is already stored). */
    public void cancel() {
        ending = true;
        session.cancel();
    }

    /** Completes when the session is over; see {@link LiveStream#finished()}. */
    public CompletableFuture<Void> finished() {
        return session.finished();
    }

    /**
     * Completes once the session is over and its lines were written to the store, or handed to the registry's
     * retries when the store could not be reached; never exceptionally.
     */
    public CompletableFuture<Void> stored() {
        return stored;
    }

    /** Writes waiting for an unreachable store. */
    int pendingWrites() {
        return writer.pending();
    }

    /** Writes what waits for the store; see {@link StreamWriter#flush()}. */
    boolean flushWrites() {
        return writer.flush();
    }

    /** True once the session is over. */
    public boolean isDone() {
        return session.isDone();
    }

    void onUpdate(TranscriptUpdate update) {
        tracker.update(update);
    }

    @Override
    public String toString() {
        return "participant " + id + " (speaker " + speaker + ") of meeting " + meeting.id();
    }

    /** Writes lines and words to the store as they are committed and hands captions to the listener. */
    private final class StoreAndNotify implements UtteranceTracker.Output {
        @Override
        public void line(int seq, TranscriptLine line) {
            writer.line(seq, tracker.voiceOf(line), line.start(), line.end(), line.text());
        }

        @Override
        public void closed(int seq, TranscriptLine line) {
            meeting.lines().committed(new LineEvent(Uuid7.next().toString(), "jitsi", sessionId, meeting.id(),
                    speaker, id, line.start(), line.end(), line.text().strip(), language));
        }

        @Override
        public void words(int firstSeq, List<Word> words) {
            writer.words(firstSeq, words);
        }

        @Override
        public void interim(Utterance u) {
            try {
                listener.onInterim(Participant.this, u);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "participant listener failed", e);
            }
        }

        @Override
        public void fin(Utterance u) {
            try {
                listener.onFinal(Participant.this, u);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "participant listener failed", e);
            }
        }
    }
}
