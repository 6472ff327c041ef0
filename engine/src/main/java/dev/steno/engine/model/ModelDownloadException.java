package dev.steno.engine.model;

import java.io.IOException;

/** A model file could not be fetched or failed its check; the message says which model, from where, and what to do. */
public class ModelDownloadException extends IOException {
    /** An exception with a complete, user-facing message. */
    public ModelDownloadException(String message) {
        super(message);
    }

    /** An exception with a complete, user-facing message and the low-level failure behind it. */
    public ModelDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
