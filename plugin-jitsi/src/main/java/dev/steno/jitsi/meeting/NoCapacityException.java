package dev.steno.jitsi.meeting;

/**
 * The server already serves its maximum number of live sessions, or drains and joins no one: the participant could
 * not join.
 */
public final class NoCapacityException extends RuntimeException {
    public NoCapacityException(String message) {
        super(message);
    }
}
