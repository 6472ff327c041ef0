package dev.steno.jitsi.ws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Request;

/** Reading the meeting id and options from a WebSocket upgrade request. */
public final class Paths {
    private Paths() {
    }

    /** The last path segment, URL-decoded ("/transcribe/room%201" gives "room 1"), or null when empty. */
    public static String lastSegment(Request request) {
        String path = Request.getPathInContext(request);
        int slash = path.lastIndexOf('/');
        String seg = path.substring(slash + 1);
        return seg.isEmpty() ? null : URLDecoder.decode(seg, StandardCharsets.UTF_8);
    }

    /** The first value of a query parameter of the request, or null. */
    public static String query(Request request, String name) {
        return Request.extractQueryParameters(request, StandardCharsets.UTF_8).getValue(name);
    }
}
