package dev.steno.jitsi.ws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;

/** Small helpers for reading WebSocket upgrade requests. */
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

    /** The first value of a query parameter, or null. */
    public static String param(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The first value of a query parameter of the request, or null. */
    public static String query(Request request, String name) {
        return Request.extractQueryParameters(request, StandardCharsets.UTF_8).getValue(name);
    }

    /** Cuts a close reason to the 123 bytes a close frame allows. */
    public static String closeReason(String reason) {
        return reason.length() > 100 ? reason.substring(0, 97) + "..." : reason;
    }
}
