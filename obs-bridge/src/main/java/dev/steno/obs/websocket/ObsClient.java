package dev.steno.obs.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An obs-websocket v5 client (OBS 28+): Hello/Identify with authentication, requests answered through futures with
 * a timeout, {@code StreamStateChanged} tracking, and reconnection with exponential backoff when OBS goes away (OBS
 * restarted, network blip). A refused password stops the client for good with {@link ObsAuthenticationException}.
 *
 * <p>Thread-safe. Listener callbacks run on the WebSocket's thread and must be quick.
 */
public final class ObsClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ObsClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Longest message taken from OBS, in characters. The replies and events this client asks for are a few hundred
     * bytes; without a limit a peer that never ends a message would grow the reassembly buffer until the heap is gone.
     */
    static final int MAX_MESSAGE_CHARS = 8 << 20;

    /**
     * @param uri            e.g. {@code ws://127.0.0.1:4455}
     * @param password       OBS's WebSocket server password, or null when OBS needs none
     * @param requestTimeout how long a request waits for its answer
     * @param minBackoff     first reconnection delay; doubled after each failed attempt
     * @param maxBackoff     longest reconnection delay
     */
    public record Options(URI uri, String password, Duration requestTimeout, Duration minBackoff, Duration maxBackoff,
                          Duration heartbeat) {
        public Options {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme();
            if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
                throw new IllegalArgumentException("OBS URL must start with ws:// or wss://, was " + uri);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero() || minBackoff.isNegative()
                    || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0 || heartbeat.isNegative()
                    || heartbeat.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive and maxBackoff >= minBackoff");
            }
        }

        /** Without a heartbeat setting: pings every 5 s. */
        public Options(URI uri, String password, Duration requestTimeout, Duration minBackoff, Duration maxBackoff) {
            this(uri, password, requestTimeout, minBackoff, maxBackoff, Duration.ofSeconds(5));
        }

        /** The options without the password, which must not reach a log. */
        @Override
        public String toString() {
            return "Options[uri=" + Secrets.withoutQuery(uri) + ", password=" + Secrets.mask(password)
                    + ", requestTimeout=" + requestTimeout + ", minBackoff=" + minBackoff + ", maxBackoff=" + maxBackoff
                    + ", heartbeat=" + heartbeat + "]";
        }

        /** Defaults: 5 s request timeout, reconnect after 0.5 s doubling up to 30 s, ping every 5 s. */
        public static Options of(URI uri, String password) {
            return new Options(uri, password, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(30));
        }
    }

    /** Hears about the connection and OBS events. */
    public interface Listener {
        /** Identified with OBS (first time or after a reconnection); requests can be sent now. */
        default void identified() {
        }

        /** The connection was lost; the client reconnects unless {@code permanent}. */
        default void disconnected(String reason, boolean permanent) {
        }

        /** The stream output started or stopped (also reported once after each identification). */
        default void streamStateChanged(boolean streaming) {
        }

        /** Any event OBS sent ({@code eventType}, {@code eventData} or an empty object). */
        default void event(String type, JsonNode data) {
        }
    }

    private final Options options;
    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final CompletableFuture<Void> firstIdentified = new CompletableFuture<>();
    private final Object lock = new Object();
    // guarded by lock
    private WebSocket socket;
    private Handler handler;
    private ScheduledFuture<?> heartbeat;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private int attempt;
    private boolean closed;
    private volatile boolean identified;
    private volatile boolean streaming;
    private volatile ObsAuthenticationException fatal;

    private record Pending(String type, CompletableFuture<JsonNode> future) {
    }

    /** @param timer schedules request timeouts and reconnections (shared, owned by the caller) */
    public ObsClient(Options options, ScheduledExecutorService timer) {
        this.options = Objects.requireNonNull(options, "options");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Connects (and keeps reconnecting). The future completes when OBS first identified us, or fails with
     * {@link ObsAuthenticationException} when OBS refused the password; it stays pending while OBS is unreachable.
     */
    public CompletableFuture<Void> start() {
        synchronized (lock) {
            if (heartbeat == null) {
                long period = options.heartbeat().toMillis();
                heartbeat = timer.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
            }
        }
        connect();
        return firstIdentified;
    }

    /**
     * Pings OBS; a connection that answered nothing (not even a pong) for two periods is dropped and reconnected.
     * Without this a vanished OBS (crash, sleeping laptop, pulled cable) can leave a half-open connection that is
     * never noticed: nothing is read while nothing is sent.
     */
    private void heartbeat() {
        WebSocket ws;
        Handler h;
        synchronized (lock) {
            ws = socket;
            h = handler;
        }
        if (ws == null || h == null) {
            return;
        }
        long silentMillis = (System.nanoTime() - h.lastHeard) / 1_000_000;
        if (silentMillis > 2 * options.heartbeat().toMillis()) {
            ws.abort();
            h.end("OBS stopped answering (nothing heard for " + silentMillis + " ms)", null);
        } else {
            ws.sendPing(ByteBuffer.allocate(0));
        }
    }

    /** True while identified with OBS. */
    public boolean identified() {
        return identified;
    }

    /** True while OBS's stream output is active (as last reported). */
    public boolean streaming() {
        return streaming;
    }

    /** The URL this client connects to. */
    public URI uri() {
        return options.uri();
    }

    /**
     * Sends a request. The future completes with the {@code responseData} (an empty object when there is none), or
     * fails with {@link ObsRequestException} for a failure status, or {@link ObsException} when not connected or
     * the answer took longer than the request timeout.
     */
    public CompletableFuture<JsonNode> request(String requestType, JsonNode requestData) {
        if (!identified) {
            ObsAuthenticationException f = fatal;
            return CompletableFuture.failedFuture(f != null ? f
                    : new ObsException("not connected to OBS at " + options.uri() + " (" + requestType + " not sent)"));
        }
        String id = Long.toString(requestIds.incrementAndGet());
        ObjectNode msg = JSON.createObjectNode();
        msg.put("op", 6);
        ObjectNode d = msg.putObject("d");
        d.put("requestType", requestType);
        d.put("requestId", id);
        if (requestData != null) {
            d.set("requestData", requestData);
        }
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        pending.put(id, new Pending(requestType, future));
        var timeout = timer.schedule(() -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(new ObsException("OBS did not answer " + requestType + " within "
                        + options.requestTimeout().toMillis() + " ms", new TimeoutException()));
            }
        }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        future.whenComplete((r, e) -> timeout.cancel(false));
        send(msg.toString()).exceptionally(e -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(new ObsException("could not send " + requestType + " to OBS: " + e, e));
            }
            return null;
        });
        return future;
    }

    /** Convenience: a request whose data is given as alternating keys and values. */
    public CompletableFuture<JsonNode> request(String requestType, Object... keysAndValues) {
        return request(requestType, keysAndValues.length == 0 ? null : data(keysAndValues));
    }

    /** Builds request data from alternating keys and values (strings, numbers, booleans, JsonNodes). */
    public static ObjectNode data(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("request data needs key/value pairs");
        }
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            node.set((String) keysAndValues[i], JSON.valueToTree(keysAndValues[i + 1]));
        }
        return node;
    }

    private CompletableFuture<?> send(String text) {
        synchronized (lock) {
            WebSocket ws = socket;
            if (ws == null) {
                return CompletableFuture.failedFuture(new ObsException("not connected"));
            }
            // the JDK WebSocket allows one outstanding send at a time: chain them
            CompletableFuture<?> next = sendChain.handle((v, e) -> null).thenCompose(v -> ws.sendText(text, true));
            sendChain = next;
            return next;
        }
    }

    private void connect() {
        synchronized (lock) {
            if (closed || fatal != null) {
                return;
            }
        }
        Handler handler = new Handler();
        http.newWebSocketBuilder()
                .subprotocols("obswebsocket.json")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(options.uri(), handler)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        LOG.log(System.Logger.Level.DEBUG, "OBS connection to {0} failed: {1}", options.uri(), error);
                        handler.end("cannot connect to OBS at " + options.uri() + ": " + rootMessage(error), null);
                    } else {
                        handler.opened(ws);
                    }
                });
    }

    /** The connection ended: fail pending requests, then reconnect unless the reason is permanent. */
    private void lost(String reason, ObsAuthenticationException permanent) {
        boolean wasIdentified = identified;
        identified = false;
        long delay;
        synchronized (lock) {
            socket = null;
            handler = null;
            if (permanent != null) {
                fatal = permanent;
            }
            if (closed) {
                failPending(new ObsException("OBS client closed"));
                return;
            }
            delay = Math.min(options.maxBackoff().toMillis(), options.minBackoff().toMillis() << Math.min(attempt, 20));
            attempt++;
        }
        failPending(permanent != null ? permanent : new ObsException("connection to OBS lost: " + reason));
        if (permanent != null) {
            LOG.log(System.Logger.Level.ERROR, permanent.getMessage());
            firstIdentified.completeExceptionally(permanent);
        } else if (wasIdentified || attempt == 1) {
            LOG.log(System.Logger.Level.WARNING, "{0}; reconnecting (backoff from {1} ms)", reason, delay);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "{0}; retrying in {1} ms", reason, delay);
        }
        for (Listener l : listeners) {
            l.disconnected(reason, permanent != null);
        }
        if (permanent == null) {
            timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void failPending(ObsException error) {
        for (String id : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(error);
            }
        }
    }

    private void onMessage(Handler handler, WebSocket ws, String text) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "OBS sent a message that is not JSON: " + abbreviate(text));
            return;
        }
        int op = msg.path("op").asInt(-1);
        JsonNode d = msg.path("d");
        switch (op) {
            case 0 -> identify(handler, ws, d);
            case 2 -> onIdentified();
            case 5 -> onEvent(d);
            case 7 -> onResponse(d);
            default -> LOG.log(System.Logger.Level.DEBUG, "ignoring OBS message op {0}", op);
        }
    }

    private void identify(Handler handler, WebSocket ws, JsonNode hello) {
        ObjectNode msg = JSON.createObjectNode();
        msg.put("op", 1);
        ObjectNode d = msg.putObject("d");
        d.put("rpcVersion", 1);
        d.put("eventSubscriptions", ObsStatus.EVENTS_OUTPUTS);
        JsonNode auth = hello.path("authentication");
        if (auth.isObject()) {
            if (options.password() == null || options.password().isEmpty()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "no password");
                handler.end("no password", new ObsAuthenticationException(0, "OBS at " + options.uri()
                        + " requires a password: pass --obs-password or set OBS_WEBSOCKET_PASSWORD"));
                return;
            }
            d.put("authentication", ObsAuth.response(options.password(), auth.path("salt").asText(),
                    auth.path("challenge").asText()));
        }
        send(msg.toString());
    }

    private void onIdentified() {
        synchronized (lock) {
            attempt = 0;
        }
        identified = true;
        LOG.log(System.Logger.Level.INFO, "identified with OBS at {0}", options.uri());
        firstIdentified.complete(null);
        for (Listener l : listeners) {
            l.identified();
        }
        request("GetStreamStatus").whenComplete((r, e) -> {
            if (e == null) {
                setStreaming(r.path("outputActive").asBoolean(false));
            }
        });
    }

    private void onEvent(JsonNode d) {
        String type = d.path("eventType").asText();
        JsonNode data = d.path("eventData");
        if (type.equals("StreamStateChanged")) {
            setStreaming(data.path("outputActive").asBoolean(false));
        }
        for (Listener l : listeners) {
            l.event(type, data);
        }
    }

    private void setStreaming(boolean active) {
        streaming = active;
        for (Listener l : listeners) {
            l.streamStateChanged(active);
        }
    }

    private void onResponse(JsonNode d) {
        Pending p = pending.remove(d.path("requestId").asText());
        if (p == null) {
            return; // timed out already
        }
        JsonNode status = d.path("requestStatus");
        int code = status.path("code").asInt(0);
        if (status.path("result").asBoolean(false) && code == ObsStatus.SUCCESS) {
            JsonNode data = d.path("responseData");
            p.future.complete(data.isObject() ? data : JSON.createObjectNode());
        } else {
            String comment = status.hasNonNull("comment") ? status.path("comment").asText() : null;
            p.future.completeExceptionally(new ObsRequestException(p.type, code, comment));
        }
    }

    /** Closes the connection and stops reconnecting. */
    @Override
    public void close() {
        WebSocket ws;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ws = socket;
            socket = null;
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
        }
        identified = false;
        failPending(new ObsException("OBS client closed"));
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((v, e) -> ws.abort());
        }
        firstIdentified.completeExceptionally(new ObsException("OBS client closed"));
    }

    private final class Handler implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private final AtomicBoolean ended = new AtomicBoolean();
        volatile long lastHeard = System.nanoTime();

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            lastHeard = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            lastHeard = System.nanoTime();
            webSocket.request(1);
            return null; // the JDK answers the ping itself
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            opened(webSocket);
            webSocket.request(1);
        }

        /** Called from onOpen and when buildAsync completes, whichever comes first: the socket is ours now. */
        void opened(WebSocket webSocket) {
            synchronized (lock) {
                if (closed) {
                    webSocket.abort();
                    return;
                }
                if (socket != webSocket && !ended.get()) {
                    socket = webSocket;
                    handler = this;
                    sendChain = CompletableFuture.completedFuture(null);
                }
            }
        }

        /** Reports the end of this connection once (close and error may both arrive). */
        void end(String reason, ObsAuthenticationException permanent) {
            if (ended.compareAndSet(false, true)) {
                lost(reason, permanent);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastHeard = System.nanoTime();
            try {
                if (partial.length() + data.length() > MAX_MESSAGE_CHARS) {
                    partial.setLength(0);
                    partial.trimToSize();
                    webSocket.abort();
                    end("OBS sent a message longer than " + MAX_MESSAGE_CHARS + " characters", null);
                    return null;
                }
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    onMessage(this, webSocket, text);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "handling an OBS message failed", e);
            } finally {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ObsAuthenticationException permanent = switch (statusCode) {
                case ObsStatus.CLOSE_AUTHENTICATION_FAILED -> new ObsAuthenticationException(statusCode,
                        "OBS at " + options.uri() + " refused the password (close 4009 AuthenticationFailed): check "
                                + "--obs-password / OBS_WEBSOCKET_PASSWORD against OBS's Tools > WebSocket Server "
                                + "Settings");
                case ObsStatus.CLOSE_UNSUPPORTED_RPC_VERSION -> new ObsAuthenticationException(statusCode,
                        "OBS at " + options.uri() + " does not speak obs-websocket RPC version 1 (close 4010): "
                                + "use OBS 28 or later");
                default -> null;
            };
            end("OBS closed the connection (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")",
                    permanent);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("connection to OBS failed: " + rootMessage(error), null);
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
