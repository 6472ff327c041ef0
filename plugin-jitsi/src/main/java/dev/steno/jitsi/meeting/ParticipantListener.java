package dev.steno.jitsi.meeting;

/**
 * Hears a participant's captions. Callbacks run on an inference worker thread: they must be quick and must not block
 * (queue network sends); an exception thrown here is logged and swallowed.
 */
public interface ParticipantListener {
    /** A listener that ignores everything (the transcript is still stored). */
    ParticipantListener NONE = new ParticipantListener() {
    };

    /** A new version of the utterance being spoken; tentative words included. */
    default void onInterim(Participant participant, Utterance utterance) {
    }

    /** A committed utterance. */
    default void onFinal(Participant participant, Utterance utterance) {
    }

    /**
     * The participant's session is over: after {@link Participant#end()} once the last final was delivered, or
     * after a cancel or failure.
     *
     * @param error null after a normal end, else why it stopped
     */
    default void onEnded(Participant participant, Throwable error) {
    }
}
