package dev.steno.jitsi.meeting;

import dev.steno.engine.transcript.Word;
import java.util.List;
import java.util.Optional;

/**
 * Where meeting transcripts are kept as they are committed, so that a restarted server still serves every committed
 * line. Times are seconds on the meeting clock (since the meeting started). Implementations are thread-safe; a write
 * that fails throws {@link StoreException} and the caller logs it.
 */
public interface TranscriptStore extends AutoCloseable {
    /**
     * Creates the meeting if it is new.
     *
     * @return when the meeting started (epoch milliseconds): now for a new meeting, the stored start otherwise
     */
    long openMeeting(String meetingId, long nowMillis);

    /**
     * Records that a participant starts a new audio stream in the meeting. A participant keeps its speaker number
     * across streams (it left and came back, or the server restarted); a new participant gets the next number.
     *
     * @param displayName the name to show, or null to keep the stored one
     */
    StreamSlot addStream(String meetingId, String participantId, String displayName, String language,
                         long nowMillis);

    /**
     * Writes one transcript line (a line still growing is written again under the same {@code seq}).
     *
     * @param voice which voice of the participant spoke the line, from 1 (above 1 only when participants are
     *              diarized: several people at one microphone)
     */
    void saveLine(String meetingId, String participantId, int stream, int seq, int voice, double start, double end,
                  String text, long nowMillis);

    /** Writes one line of the participant's first (or only) voice; see {@link #saveLine(String, String, int, int,
     * int, double, double, String, long)}. */
    default void saveLine(String meetingId, String participantId, int stream, int seq, double start, double end,
                          String text, long nowMillis) {
        saveLine(meetingId, participantId, stream, seq, 1, start, end, text, nowMillis);
    }

    /** Appends committed words of one stream, numbered from {@code firstSeq}. */
    void saveWords(String meetingId, String participantId, int stream, int firstSeq, List<Word> words);

    /** The meeting's transcript so far, lines of all participants merged by time; empty for an unknown meeting. */
    Optional<MeetingTranscript> transcript(String meetingId);

    /** Every stored meeting, newest first. */
    List<MeetingTranscript.Summary> meetings();

    /**
     * Deletes meetings (with their lines and words) whose last activity was before {@code cutoffMillis}.
     *
     * @return how many meetings were deleted
     */
    int deleteMeetingsBefore(long cutoffMillis);

    /** A short description for logs ("SQLite /var/lib/steno/jitsi.db"). */
    String describe();

    @Override
    void close();

    /**
     * Where a participant's new stream goes.
     *
     * @param speaker the participant's speaker number in the meeting, from 1
     * @param stream  the stream's number for this participant, from 1
     */
    record StreamSlot(int speaker, int stream) {
    }

    /** A store operation failed (database unreachable, disk full, ...). */
    final class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
