package dev.steno.obs.overlay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CaptionText;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.server.ServerConfig;
import dev.steno.server.ServerExtension;
import dev.steno.server.asr.AsrConnection;
import dev.steno.server.http.ApiToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * The caption overlay for an OBS browser source: {@code GET /overlay} serves the page (styled by its URL
 * parameters), {@code /overlay/ws} feeds it. Every connected page gets the current text on connect, then
 * {@code {"type":"commit"|"partial"|"clear", ...}} messages as captions change.
 */
public final class OverlayExtension implements ServerExtension, CaptionSink {
    private static final System.Logger LOG = System.getLogger(OverlayExtension.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The page's path. */
    public static final String PAGE_PATH = "/overlay";
    /** The page's WebSocket path. */
    public static final String SOCKET_PATH = "/overlay/ws";

    private final byte[] page;
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final CaptionText text = new CaptionText();
    private volatile ServerConfig config;

    public OverlayExtension() {
        try (InputStream in = OverlayExtension.class.getResourceAsStream("overlay.html")) {
            if (in == null) {
                throw new IllegalStateException("overlay.html is missing from the obs-bridge jar");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "obs-overlay";
    }

    @Override
    public void install(Wiring wiring) {
        this.config = wiring.config();
        wiring.http().accept(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                if (!path.equals(PAGE_PATH) && !path.equals(PAGE_PATH + "/")) {
                    return false;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                response.write(true, ByteBuffer.wrap(page), callback);
                return true;
            }
        });
        wiring.webSocket().addMapping(SOCKET_PATH, (req, resp, cb) -> new Viewer());
    }

    /** Pages connected now. */
    public int viewers() {
        return viewers.size();
    }

    @Override
    public void partial(String partial) {
        synchronized (text) {
            text.partial(partial);
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "partial");
        m.put("text", partial);
        broadcast(m.toString());
    }

    @Override
    public void committed(CommittedWords words) {
        synchronized (text) {
            text.commit(words);
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "commit");
        m.put("speaker", words.speaker());
        m.put("text", words.text());
        broadcast(m.toString());
    }

    @Override
    public void silence() {
        synchronized (text) {
            text.clear();
        }
        broadcast("{\"type\":\"clear\"}");
    }

    private String state() {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "state");
        synchronized (text) {
            m.put("committed", text.committedText());
            m.put("partial", text.partialText());
        }
        return m.toString();
    }

    private void broadcast(String message) {
        for (Viewer v : viewers) {
            v.send(message);
        }
    }

    @Override
    public void close() {
        for (Viewer v : viewers) {
            v.session.close(StatusCode.NORMAL, "steno stops", org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    /** One overlay page. Public: Jetty calls listener methods through method handles. */
    public final class Viewer implements Session.Listener.AutoDemanding {
        /** Messages a slow page may have queued before it is dropped (it reconnects and gets the state). */
        private static final int MAX_QUEUED = 64;
        private volatile Session session;
        private final AtomicInteger queued = new AtomicInteger();

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            ServerConfig c = config;
            Map<String, List<String>> params = s.getUpgradeRequest().getParameterMap();
            if (c != null && c.apiToken() != null) {
                List<String> token = params.get("token");
                if (!ApiToken.matches(token == null || token.isEmpty() ? null : token.get(0),
                        s.getUpgradeRequest().getHeader("Authorization"), c.apiToken())) {
                    s.close(AsrConnection.CLOSE_UNAUTHORIZED, "invalid or missing token",
                            org.eclipse.jetty.websocket.api.Callback.NOOP);
                    return;
                }
            }
            viewers.add(this);
            send(state());
        }

        @Override
        public void onWebSocketText(String message) {
            // the page only listens
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            viewers.remove(this);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            viewers.remove(this);
            LOG.log(System.Logger.Level.DEBUG, "overlay page connection failed: " + cause);
        }

        void send(String message) {
            Session s = session;
            if (s == null || !s.isOpen()) {
                return;
            }
            if (queued.incrementAndGet() > MAX_QUEUED) {
                viewers.remove(this);
                s.close(StatusCode.TRY_AGAIN_LATER, "too slow", org.eclipse.jetty.websocket.api.Callback.NOOP);
                return;
            }
            s.sendText(message, org.eclipse.jetty.websocket.api.Callback.from(queued::decrementAndGet,
                    e -> queued.decrementAndGet()));
        }
    }
}
