package dev.steno.jitsi.ws;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Request;

/** Reading the meeting id and options from a WebSocket upgrade request. */
public final class Paths {
    private Paths() {
    }

    /**
     * The last path segment ("/transcribe/room%201" gives "room 1": Jetty has already decoded the path, so it must not
     * be decoded again, or a "+" would turn into a space), or null when empty.
     */
    public static String lastSegment(Request request) {
        String path = Request.getPathInContext(request);
        String seg = path.substring(path.lastIndexOf('/') + 1);
        return seg.isEmpty() ? null : seg;
    }

    /** The first value of a query parameter of the request, or null. */
    public static String query(Request request, String name) {
        return Request.extractQueryParameters(request, StandardCharsets.UTF_8).getValue(name);
    }
}
