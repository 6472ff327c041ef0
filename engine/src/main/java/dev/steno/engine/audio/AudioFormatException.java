package dev.steno.engine.audio;

import java.io.IOException;

/**
 * Audio data could not be decoded because it is not in a supported format or is damaged. The message names the source
 * and says what was expected and what was found, so that it can be shown to a user as is.
 */
public class AudioFormatException extends IOException {
    /** An error described by {@code message}. */
    public AudioFormatException(String message) {
        super(message);
    }

    /** An error described by {@code message}, caused by {@code cause}. */
    public AudioFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
