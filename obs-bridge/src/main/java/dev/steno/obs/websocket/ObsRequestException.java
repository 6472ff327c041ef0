package dev.steno.obs.websocket;

/** OBS answered a request with a failure status (obs-websocket v5 {@code requestStatus}). */
public final class ObsRequestException extends ObsException {
    private final String requestType;
    private final int code;
    private final String comment;

    public ObsRequestException(String requestType, int code, String comment) {
        super("OBS refused " + requestType + ": status " + code + " " + ObsStatus.name(code)
                + (comment == null || comment.isBlank() ? "" : " (" + comment + ")"));
        this.requestType = requestType;
        this.code = code;
        this.comment = comment;
    }

    public String requestType() {
        return requestType;
    }

    /** The request status code, see {@link ObsStatus}. */
    public int code() {
        return code;
    }

    /** OBS's own explanation, or null. */
    public String comment() {
        return comment;
    }

    /** True for 501 OutputNotRunning: the stream is off, which a caption sink treats as "paused", not as an error. */
    public boolean outputNotRunning() {
        return code == ObsStatus.OUTPUT_NOT_RUNNING;
    }

    /** True for 600 ResourceNotFound (e.g. no input of that name). */
    public boolean resourceNotFound() {
        return code == ObsStatus.RESOURCE_NOT_FOUND;
    }
}
