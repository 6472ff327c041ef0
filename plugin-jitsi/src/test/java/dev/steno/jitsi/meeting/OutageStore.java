package dev.steno.jitsi.meeting;

import dev.steno.engine.transcript.Word;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that can be taken down and brought back, as a database restarting or failing over: while down every call
 * fails with a {@link TranscriptStore.StoreException}; otherwise it passes calls to the real store under it.
 */
final class OutageStore implements TranscriptStore {
    private final TranscriptStore inner;
    private volatile boolean down;
    /** Calls refused while down. */
    final AtomicInteger refused = new AtomicInteger();

    OutageStore(TranscriptStore inner) {
        this.inner = inner;
    }

    void down(boolean down) {
        this.down = down;
    }

    private void check(String what) {
        if (down) {
            refused.incrementAndGet();
            throw new StoreException("cannot " + what + ": connection refused (the database restarts)", null);
        }
    }

    @Override
    public long openMeeting(String meetingId, long nowMillis) {
        check("open a meeting");
        return inner.openMeeting(meetingId, nowMillis);
    }

    @Override
    public StreamSlot addStream(String meetingId, String participantId, String displayName, String language,
                                long nowMillis) {
        check("add a stream");
        return inner.addStream(meetingId, participantId, displayName, language, nowMillis);
    }

    @Override
    public void saveLine(String meetingId, String participantId, int stream, int seq, int voice, double start,
                         double end, String text, long nowMillis) {
        check("store a line");
        inner.saveLine(meetingId, participantId, stream, seq, voice, start, end, text, nowMillis);
    }

    @Override
    public void saveWords(String meetingId, String participantId, int stream, int firstSeq, List<Word> words) {
        check("store words");
        inner.saveWords(meetingId, participantId, stream, firstSeq, words);
    }

    @Override
    public Optional<MeetingTranscript> transcript(String meetingId) {
        return inner.transcript(meetingId);
    }

    @Override
    public List<MeetingTranscript.Summary> meetings() {
        return inner.meetings();
    }

    @Override
    public int deleteMeetingsBefore(long cutoffMillis) {
        return inner.deleteMeetingsBefore(cutoffMillis);
    }

    @Override
    public String describe() {
        return "outage-prone " + inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
