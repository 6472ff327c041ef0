package dev.steno.jitsi.ws;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.URIUtil;

/** Reading the meeting id and options from a WebSocket upgrade request. */
public final class Paths {
    private Paths() {
    }

    /**
     * The last path segment, percent-decoded as a path ("/transcribe/a+b%20c" gives "a+b c": unlike a query string,
     * a "+" in a path is a plus), or null when empty.
     */
    public static String lastSegment(Request request) {
        String path = Request.getPathInContext(request);
        return decodeSegment(path.substring(path.lastIndexOf('/') + 1));
    }

    /** A path segment percent-decoded, or null when empty. */
    public static String decodeSegment(String segment) {
        return segment.isEmpty() ? null : URIUtil.decodePath(segment);
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
