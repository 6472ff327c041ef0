package dev.steno.obs.websocket;

/** Something went wrong talking to OBS: not connected, connection lost, a request timed out. */
public class ObsException extends RuntimeException {
    public ObsException(String message) {
        super(message);
    }

    public ObsException(String message, Throwable cause) {
        super(message, cause);
    }
}
