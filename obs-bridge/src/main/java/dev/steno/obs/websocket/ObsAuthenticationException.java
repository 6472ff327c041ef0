package dev.steno.obs.websocket;

/**
 * OBS refused us for good: wrong password (close 4009), no password given while OBS needs one, or an RPC version
 * OBS does not speak (close 4010). Reconnecting would not help, so the client stops.
 */
public final class ObsAuthenticationException extends ObsException {
    private final int closeCode;

    public ObsAuthenticationException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /** The WebSocket close code OBS sent, or 0 when the client gave up before identifying. */
    public int closeCode() {
        return closeCode;
    }
}
