package dev.steno.engine.asr;

/** A recogniser call failed; the message says why. */
public class RecognitionException extends RuntimeException {
    public RecognitionException(String message) {
        super(message);
    }

    public RecognitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
