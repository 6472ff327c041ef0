package dev.steno.jitsi.meeting;

import java.util.List;
import java.util.Objects;

/**
 * A meeting's transcript: every participant's committed lines, merged by time.
 *
 * @param meetingId      the meeting
 * @param startedMillis  when the meeting started (epoch milliseconds); line times count from here
 * @param participants   everyone who spoke or joined, by speaker number
 * @param lines          lines of all participants ordered by start time
 * @param words          committed words of all participants ordered by start time
 */
public record MeetingTranscript(String meetingId, long startedMillis, List<ParticipantInfo> participants,
                                List<Line> lines, List<TimedWord> words) {
    public MeetingTranscript {
        Objects.requireNonNull(meetingId, "meetingId");
        participants = List.copyOf(participants);
        lines = List.copyOf(lines);
        words = List.copyOf(words);
    }

    /**
     * A participant of the meeting.
     *
     * @param displayName the name to show, or null when unknown
     */
    public record ParticipantInfo(String participantId, int speaker, String displayName, String language) {
        /** The display name when known, else the participant id. */
        public String label() {
            return displayName == null || displayName.isBlank() ? participantId : displayName;
        }
    }

    /** One committed line of one participant; times on the meeting clock. */
    public record Line(String participantId, int speaker, String speakerLabel, double start, double end,
                       String text) {
    }

    /** One committed word; probability NaN when the backend gives none. */
    public record TimedWord(String participantId, int speaker, String text, double start, double end,
                            double probability) {
    }

    /** A stored meeting in a listing. */
    public record Summary(String meetingId, long startedMillis, long updatedMillis, int participants, int lines) {
    }
}
