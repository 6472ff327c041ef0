package dev.steno.jitsi.webrtc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The WHIP endpoint (RFC 9725) under {@code /whip} (behind the server's token and origin rules):
 * <ul>
 * <li>{@code POST /whip} with {@code Content-Type: application/sdp}: 201 with the answer and {@code Location:
 *     /whip/<id>}; query {@code language}, {@code meeting}, {@code participant}, {@code diarization}.</li>
 * <li>{@code PATCH /whip/<id>} with {@code application/trickle-ice-sdpfrag}: trickled candidates, 204; an ICE
 *     restart (new ufrag) is answered 405, which the RFC allows for endpoints that do not restart ICE.</li>
 * <li>{@code DELETE /whip/<id>}: ends the session, 200.</li>
 * <li>{@code GET /whip}: the live sessions as JSON (operators, tests).</li>
 * </ul>
 * Errors are plain text with 400 (bad offer or query), 404, 405, 411, 413, 415 or 503 (full or stopping).
 */
final class WhipHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/whip";
    /** Largest oversized body still read (and dropped) before the 413. */
    private static final long DISCARD = 1 << 20;

    private final WhipIngest whip;

    WhipHandler(WhipIngest whip) {
        this.whip = whip;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return false;
        }
        String method = request.getMethod();
        String id = path.length() > PREFIX.length() + 1 ? path.substring(PREFIX.length() + 1) : null;
        if (id == null) {
            if (HttpMethod.POST.is(method)) {
                post(request, response, callback);
            } else if (HttpMethod.GET.is(method)) {
                list(response, callback);
            } else {
                response.getHeaders().put(HttpHeader.ALLOW, "POST, GET");
                text(response, callback, 405, method + " is not supported on /whip");
            }
        } else if (HttpMethod.DELETE.is(method)) {
            if (whip.end(id)) {
                text(response, callback, 200, "session " + id + " ended");
            } else {
                text(response, callback, 404, "no WHIP session " + id);
            }
        } else if (HttpMethod.PATCH.is(method)) {
            patch(request, response, callback, id);
        } else {
            response.getHeaders().put(HttpHeader.ALLOW, "PATCH, DELETE");
            text(response, callback, 405, method + " is not supported on a WHIP session");
        }
        return true;
    }

    private void post(Request request, Response response, Callback callback) throws Exception {
        if (!isType(request, "application/sdp")) {
            text(response, callback, 415, "send the offer as Content-Type: application/sdp");
            return;
        }
        String body = body(request, response, callback);
        if (body == null) {
            return;
        }
        WhipOptions options;
        try {
            Fields q = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            options = new WhipOptions(q.getValue("meeting"), q.getValue("participant"), q.getValue("language"),
                    bool(q.getValue("diarization")));
        } catch (IllegalArgumentException e) {
            text(response, callback, 400, e.getMessage());
            return;
        }
        WhipIngest.Created created;
        try {
            created = whip.offer(body, options);
        } catch (WhipIngest.Refused e) {
            text(response, callback, e.status(), e.getMessage());
            return;
        }
        response.setStatus(201);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/sdp");
        response.getHeaders().put(HttpHeader.LOCATION, PREFIX + "/" + created.id());
        // a publisher page on another origin (allowed by --cors-origins) must read where its session is
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Location");
        response.write(true, ByteBuffer.wrap(created.answer().getBytes(StandardCharsets.UTF_8)), callback);
    }

    private void patch(Request request, Response response, Callback callback, String id) throws Exception {
        if (whip.session(id) == null) {
            text(response, callback, 404, "no WHIP session " + id);
            return;
        }
        if (!isType(request, "application/trickle-ice-sdpfrag")) {
            text(response, callback, 415, "send candidates as Content-Type: application/trickle-ice-sdpfrag");
            return;
        }
        String body = body(request, response, callback);
        if (body == null) {
            return;
        }
        switch (whip.trickle(id, body)) {
            case NO_SESSION -> text(response, callback, 404, "no WHIP session " + id);
            case RESTART -> {
                response.getHeaders().put(HttpHeader.ALLOW, "DELETE");
                text(response, callback, 405, "ICE restarts are not supported; DELETE and POST again");
            }
            case ADDED -> {
                response.setStatus(204);
                callback.succeeded();
            }
        }
    }

    private void list(Response response, Callback callback) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("sessions");
        for (WhipIngest.SessionInfo s : whip.sessions()) {
            ObjectNode n = arr.addObject();
            n.put("id", s.id());
            n.put("state", s.state());
            n.put("meeting", s.meeting());
            n.put("participant", s.participant());
            n.put("port", s.port());
            n.put("packets", s.packets());
            n.put("reportsSent", s.reportsSent());
            n.put("senderReports", s.senderReports());
            n.put("lost", s.lost());
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * The request body, or null after answering 411 (no length) or 413 (too large). A body up to {@link #DISCARD}
     * is read before 413, so that the client, still sending, reads the answer instead of a reset connection.
     */
    private static String body(Request request, Response response, Callback callback) throws Exception {
        long length = request.getLength();
        if (length < 0) {
            text(response, callback, 411, "send the body with a Content-Length header");
            return null;
        }
        if (length > DISCARD) {
            text(response, callback, 413, "body larger than " + SdpOffer.MAX_LENGTH + " bytes");
            return null;
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        if (length > SdpOffer.MAX_LENGTH) {
            text(response, callback, 413, "body larger than " + SdpOffer.MAX_LENGTH + " bytes");
            return null;
        }
        return body;
    }

    private static boolean isType(Request request, String type) {
        String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return ct != null && ct.toLowerCase(Locale.ROOT).split(";")[0].trim().equals(type);
    }

    private static boolean bool(String v) {
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("diarization must be true or false, got '" + v + "'");
        };
    }

    private static void text(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }
}
