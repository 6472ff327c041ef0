package dev.steno.jitsi.rtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * REST API of the RTP ingest, under {@code /rtp/}:
 * <ul>
 * <li>{@code GET /rtp/mappings}: the SSRC/port to participant map; {@code PUT /rtp/mappings} with one mapping or
 *     {@code {"mappings":[...]}} adds or replaces rules; {@code DELETE /rtp/mappings?ssrc=S&port=P} or
 *     {@code ?participant=ID} removes them (a changed rule ends the stream it applied to).</li>
 * <li>{@code GET /rtp/streams}: live streams with packet, loss and sample counts, and drop counters per reason.</li>
 * <li>{@code GET /rtp/unknown}: unmapped sources seen recently.</li>
 * <li>{@code GET /rtp/sdp?participant=ID} or {@code ?port=P}: the SDP offer for Kurento's RtpEndpoint.</li>
 * </ul>
 * Errors are {@code {"error":"..."}} with 400 (bad input) or 404 (nothing there).
 */
final class RtpApiHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 1 << 20;

    private final ParticipantMap map;
    private final Supplier<RtpIngest> ingest;
    private final Supplier<List<Integer>> ports;
    private final RtpConfig config;

    RtpApiHandler(RtpConfig config, ParticipantMap map, Supplier<RtpIngest> ingest, Supplier<List<Integer>> ports) {
        this.config = config;
        this.map = map;
        this.ingest = ingest;
        this.ports = ports;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith("/rtp/")) {
            return false;
        }
        String method = request.getMethod();
        try {
            switch (path) {
                case "/rtp/mappings" -> {
                    if (HttpMethod.GET.is(method)) {
                        json(response, callback, 200, map.toJson());
                    } else if (HttpMethod.PUT.is(method) || HttpMethod.POST.is(method)) {
                        put(request, response, callback);
                    } else if (HttpMethod.DELETE.is(method)) {
                        delete(request, response, callback);
                    } else {
                        error(response, callback, 405, method + " is not supported on " + path);
                    }
                }
                case "/rtp/streams" -> json(response, callback, 200, streams());
                case "/rtp/unknown" -> json(response, callback, 200, unknown());
                case "/rtp/sdp" -> sdp(request, response, callback);
                default -> error(response, callback, 404, "no such RTP endpoint: " + path);
            }
        } catch (IllegalArgumentException e) {
            error(response, callback, 400, e.getMessage());
        }
        return true;
    }

    private void put(Request request, Response response, Callback callback) throws Exception {
        long length = request.getLength();
        if (length < 0) {
            // Without a declared length the body could be unbounded; mappings are small, so ask for one.
            error(response, callback, 411, "send the mappings with a Content-Length header");
            return;
        }
        if (length > MAX_BODY) {
            error(response, callback, 413, "body larger than " + MAX_BODY + " bytes");
            return;
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("body is not valid JSON: " + e.getMessage());
        }
        List<RtpMapping> list = root != null && root.isObject() && !root.has("mappings")
                ? List.of(ParticipantMap.parse(root)) : ParticipantMap.parseAll(root);
        for (RtpMapping m : list) {
            map.put(m);
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("mappings");
        list.forEach(m -> arr.add(ParticipantMap.toJson(m)));
        json(response, callback, 200, out);
    }

    private void delete(Request request, Response response, Callback callback) {
        Fields q = Request.extractQueryParameters(request);
        int removed;
        if (q.getValue("participant") != null) {
            removed = map.removeParticipant(q.getValue("participant"));
        } else if (q.getValue("ssrc") != null || q.getValue("port") != null) {
            Long ssrc = q.getValue("ssrc") == null ? null
                    : ParticipantMap.parseSsrc(JSON.getNodeFactory().textNode(q.getValue("ssrc")));
            Integer port = q.getValue("port") == null ? null : parsePort(q.getValue("port"));
            removed = map.remove(ssrc, port) == null ? 0 : 1;
        } else {
            throw new IllegalArgumentException("say which mapping: ?participant=ID or ?ssrc=S and/or ?port=P");
        }
        if (removed == 0) {
            error(response, callback, 404, "no such mapping");
            return;
        }
        json(response, callback, 200, JSON.createObjectNode().put("removed", removed));
    }

    private void sdp(Request request, Response response, Callback callback) {
        Fields q = Request.extractQueryParameters(request);
        String participant = q.getValue("participant");
        Integer port = q.getValue("port") == null ? null : parsePort(q.getValue("port"));
        RtpMapping m = null;
        if (participant != null) {
            List<RtpMapping> rules = map.forParticipant(participant);
            if (rules.isEmpty()) {
                error(response, callback, 404, "participant " + participant + " has no RTP mapping;"
                        + " PUT /rtp/mappings first");
                return;
            }
            m = rules.stream().filter(r -> r.port() != null).findFirst().orElse(rules.get(0));
        } else if (port != null) {
            m = map.all().stream().filter(r -> r.ssrc() == null && port.equals(r.port())).findFirst().orElse(null);
        } else {
            throw new IllegalArgumentException("say which participant (?participant=ID) or port (?port=P)");
        }
        int p = port != null ? port : m.port() != null ? m.port() : ports.get().get(0);
        if (!ports.get().contains(p)) {
            throw new IllegalArgumentException("port " + p + " is not an RTP port of this server " + ports.get());
        }
        int pt = m != null && m.payloadType() != null ? m.payloadType() : config.payloadType();
        SrtpKey key = m != null && m.srtp() != null ? m.srtp() : config.defaultSrtp();
        String body = KurentoSdp.offer(config.advertisedAddress(), p, pt, key, System.currentTimeMillis());
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/sdp");
        response.write(true, StandardCharsets.UTF_8.encode(body), callback);
    }

    private ObjectNode streams() {
        ObjectNode o = JSON.createObjectNode();
        RtpIngest in = ingest.get();
        ArrayNode arr = o.putArray("streams");
        ObjectNode drops = o.putObject("drops");
        o.putPOJO("ports", ports.get());
        if (in != null) {
            for (RtpIngest.StreamInfo s : in.streams()) {
                ObjectNode n = arr.addObject();
                n.put("meeting", s.participant().meetingId());
                n.put("participant", s.participant().participantId());
                n.put("ssrc", s.participant().ssrc());
                n.put("port", s.participant().port());
                n.put("packets", s.packets());
                n.put("lost", s.lostPackets());
                n.put("seconds", s.samples16k() / 16_000.0);
                n.put("concealed_seconds", s.concealedSamples48k() / 48_000.0);
            }
            for (Map.Entry<DropReason, Long> e : in.dropStats().snapshot().entrySet()) {
                drops.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        return o;
    }

    private ObjectNode unknown() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode arr = o.putArray("sources");
        RtpIngest in = ingest.get();
        if (in != null) {
            for (UnknownSources.Source s : in.unknownSources().list()) {
                arr.addObject().put("port", s.port()).put("ssrc", s.ssrc()).put("pt", s.payloadType())
                        .put("packets", s.packets()).put("first_seen", s.firstSeenMillis())
                        .put("last_seen", s.lastSeenMillis());
            }
            o.put("forgotten", in.unknownSources().evicted());
        }
        return o;
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be 1 to 65535, got '" + s + "'");
        }
    }

    private static void json(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.write(true, StandardCharsets.UTF_8.encode(body.toString()), callback);
    }

    private static void error(Response response, Callback callback, int status, String message) {
        json(response, callback, status, JSON.createObjectNode().put("error", message));
    }
}
