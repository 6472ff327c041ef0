package dev.steno.obs.websocket;

/** obs-websocket v5 codes this client acts on (protocol: request status and WebSocket close codes). */
public final class ObsStatus {
    private ObsStatus() {
    }

    public static final int SUCCESS = 100;
    public static final int UNKNOWN_REQUEST_TYPE = 204;
    public static final int MISSING_REQUEST_FIELD = 300;
    public static final int INVALID_REQUEST_FIELD = 400;
    public static final int OUTPUT_NOT_RUNNING = 501;
    public static final int RESOURCE_NOT_FOUND = 600;

    public static final int CLOSE_NOT_IDENTIFIED = 4007;
    public static final int CLOSE_AUTHENTICATION_FAILED = 4009;
    public static final int CLOSE_UNSUPPORTED_RPC_VERSION = 4010;

    /** Event subscription bit for output events ({@code StreamStateChanged}). */
    public static final int EVENTS_OUTPUTS = 1 << 6;

    /** A readable name for a request status code. */
    public static String name(int code) {
        return switch (code) {
            case SUCCESS -> "Success";
            case UNKNOWN_REQUEST_TYPE -> "UnknownRequestType";
            case MISSING_REQUEST_FIELD -> "MissingRequestField";
            case INVALID_REQUEST_FIELD -> "InvalidRequestField";
            case OUTPUT_NOT_RUNNING -> "OutputNotRunning";
            case RESOURCE_NOT_FOUND -> "ResourceNotFound";
            default -> "";
        };
    }
}
