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

        /** The name of one of the participant's voices: see {@link MeetingTranscript#voiceLabel}. */
        public String label(int voice) {
            return voiceLabel(label(), voice);
        }
    }

    /**
     * One committed line of one participant; times on the meeting clock.
     *
     * @param speaker      the participant's speaker number in the meeting
     * @param voice        which voice of the participant spoke, from 1: always 1 unless participants are diarized
     *                     (several people at one microphone), then 1..N in the order they first spoke
     * @param speakerLabel the name to show: the participant's, with " (k)" for its voice k above 1
     */
    public record Line(String participantId, int speaker, int voice, String speakerLabel, double start, double end,
                       String text) {
        public Line {
            checkVoice(voice);
        }

        /** A line of the participant's first (or only) voice. */
        public Line(String participantId, int speaker, String speakerLabel, double start, double end, String text) {
            this(participantId, speaker, 1, speakerLabel, start, end, text);
        }
    }

    /** One committed word; probability NaN when the backend gives none. */
    public record TimedWord(String participantId, int speaker, String text, double start, double end,
                            double probability) {
    }

    /**
     * The name shown for voice {@code voice} of a participant called {@code name}: the name itself for the first voice,
     * "Name (2)", "Name (3)", ... for further voices heard at the same participant's microphone.
     */
    public static String voiceLabel(String name, int voice) {
        checkVoice(voice);
        return voice == 1 ? name : name + " (" + voice + ")";
    }

    /**
     * Checks a voice number.
     *
     * @throws IllegalArgumentException it is below 1
     */
    public static void checkVoice(int voice) {
        if (voice < 1) {
            throw new IllegalArgumentException("voices are numbered from 1, was " + voice);
        }
    }

    /** A stored meeting in a listing. */
    public record Summary(String meetingId, long startedMillis, long updatedMillis, int participants, int lines) {
    }
}
