package dev.steno.jitsi.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.transcript.TranscriptFormat;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.meeting.MeetingTranscriptFormat;
import dev.steno.jitsi.meeting.TranscriptStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /meetings} (stored meetings, newest first) and {@code GET /meetings/{id}/transcript.{json,srt,vtt,txt}}
 * (the committed transcript of every participant, merged by time, read from the store so that it is complete after a
 * restart). Other paths are left to the next handler.
 */
public final class TranscriptHandler extends Handler.Abstract {
    private static final System.Logger LOG = System.getLogger(TranscriptHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/meetings";

    private final MeetingRegistry registry;

    public TranscriptHandler(MeetingRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return false;
        }
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            error(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "only GET is supported here");
            return true;
        }
        try {
            if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
                list(response, callback);
                return true;
            }
            String rest = path.substring(PREFIX.length() + 1);
            int slash = rest.lastIndexOf('/');
            String file = slash < 0 ? "" : rest.substring(slash + 1);
            if (slash <= 0 || !file.startsWith("transcript.")) {
                error(request, response, callback, HttpStatus.NOT_FOUND_404,
                        "use /meetings/{id}/transcript.json (or .srt, .vtt, .txt)");
                return true;
            }
            TranscriptFormat format;
            try {
                format = TranscriptFormat.parse(file.substring("transcript.".length()));
            } catch (IllegalArgumentException e) {
                error(request, response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
                return true;
            }
            String id = dev.steno.jitsi.ws.Paths.decodeSegment(rest.substring(0, slash));
            Optional<MeetingTranscript> t = registry.transcript(id);
            if (t.isEmpty()) {
                error(request, response, callback, HttpStatus.NOT_FOUND_404, "no meeting '" + id + "'");
                return true;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, MeetingTranscriptFormat.contentType(format));
            response.write(true, StandardCharsets.UTF_8.encode(MeetingTranscriptFormat.write(t.get(), format)),
                    callback);
        } catch (TranscriptStore.StoreException e) {
            LOG.log(System.Logger.Level.ERROR, "transcript request failed: " + e.getMessage(), e);
            error(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, e.getMessage());
        }
        return true;
    }

    private void list(Response response, Callback callback) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("meetings");
        for (MeetingTranscript.Summary s : registry.store().meetings()) {
            ObjectNode o = arr.addObject();
            o.put("id", s.meetingId());
            o.put("started", Instant.ofEpochMilli(s.startedMillis()).toString());
            o.put("updated", Instant.ofEpochMilli(s.updatedMillis()).toString());
            o.put("participants", s.participants());
            o.put("lines", s.lines());
            o.put("active", registry.active(s.meetingId()).map(m -> !m.participants().isEmpty()).orElse(false));
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, StandardCharsets.UTF_8.encode(root.toString()), callback);
    }

    private static void error(Request request, Response response, Callback callback, int status, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, StandardCharsets.UTF_8.encode(o.toString()), callback);
    }
}
