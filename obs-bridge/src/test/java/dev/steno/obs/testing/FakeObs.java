package dev.steno.obs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * An obs-websocket v5 server in the JVM that answers as OBS 29 does (messages as in protocols.md section 3): Hello
 * with the test vector's salt and challenge, 4009 on a wrong password, request statuses 100/204/501/600, and
 * StreamStateChanged events. Keeps text inputs and the stream state, records every request.
 */
public final class FakeObs implements AutoCloseable {
    public static final String PASSWORD = "supersecretpassword";
    public static final String SALT = "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=";
    public static final String CHALLENGE = "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY=";
    /** The expected Identify authentication for PASSWORD, SALT and CHALLENGE (protocols.md test vector). */
    public static final String AUTH = "1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4=";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received. */
    public record Received(String type, JsonNode data) {
    }

    private final Server jetty = new Server();
    private final ServerConnector connector = new ServerConnector(jetty);
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Received> requests = new LinkedBlockingQueue<>();
    private final Map<String, ObjectNode> inputs = new ConcurrentHashMap<>();
    public final AtomicInteger identifies = new AtomicInteger();
    public final AtomicInteger authFailures = new AtomicInteger();
    private volatile boolean streaming;
    private volatile int port;

    public FakeObs() throws Exception {
        this(0);
    }

    public FakeObs(int port) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(jetty, context, c ->
                c.addMapping("/", (req, resp, cb) -> {
                    if (req.getSubProtocols().contains("obswebsocket.json")) {
                        resp.setAcceptedSubProtocol("obswebsocket.json");
                    }
                    return new Connection();
                }));
        context.setHandler(ws);
        jetty.setHandler(context);
        jetty.start();
        this.port = connector.getLocalPort();
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The next request of this type, waiting up to 5 s; other requests before it are skipped. */
    public Received next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Received r = requests.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no " + type + " request within 5 s");
            }
            if (r.type().equals(type)) {
                return r;
            }
        }
    }

    /** Every request received so far that is still queued (drains the queue). */
    public List<Received> drain() {
        List<Received> out = new java.util.ArrayList<>();
        requests.drainTo(out);
        return out;
    }

    public ObjectNode input(String name) {
        return inputs.get(name);
    }

    public boolean streaming() {
        return streaming;
    }

    /** Starts or stops the "stream" and tells every identified client, as OBS does. */
    public void setStreaming(boolean on) {
        streaming = on;
        ObjectNode data = JSON.createObjectNode();
        data.put("outputActive", on);
        data.put("outputState", on ? "OBS_WEBSOCKET_OUTPUT_STARTED" : "OBS_WEBSOCKET_OUTPUT_STOPPED");
        ObjectNode msg = JSON.createObjectNode();
        msg.put("op", 5);
        ObjectNode d = msg.putObject("d");
        d.put("eventType", "StreamStateChanged");
        d.put("eventIntent", 64);
        d.set("eventData", data);
        for (Connection c : connections) {
            if (c.identified && (c.subscriptions & 64) != 0) {
                c.session.sendText(msg.toString(), Callback.NOOP);
            }
        }
    }

    /** Stops the "stream" without telling anyone (the event got lost): the next SendStreamCaption gets 501. */
    public void stopStreamingWithoutEvent() {
        streaming = false;
    }

    /** Drops every connection without a close handshake (OBS crashed or the network went away). */
    public void dropAll() {
        // close the TCP connections themselves, as a crashing OBS does (no close frame)
        for (org.eclipse.jetty.io.EndPoint endPoint : connector.getConnectedEndPoints()) {
            endPoint.close();
        }
        connections.clear();
    }

    /** Number of identified connections. */
    public long identifiedConnections() {
        return connections.stream().filter(c -> c.identified && c.session.isOpen()).count();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the fake OBS failed", e);
        }
    }

    /** One client. Public: Jetty calls listener methods through method handles. */
    public final class Connection implements Session.Listener.AutoDemanding {
        volatile Session session;
        volatile boolean identified;
        volatile int subscriptions;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            connections.add(this);
            s.sendText("{\"op\":0,\"d\":{\"obsWebSocketVersion\":\"5.1.0\",\"rpcVersion\":1,"
                    + "\"authentication\":{\"challenge\":\"" + CHALLENGE + "\",\"salt\":\"" + SALT + "\"}}}",
                    Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            connections.remove(this);
        }

        @Override
        public void onWebSocketText(String text) {
            try {
                JsonNode msg = JSON.readTree(text);
                JsonNode d = msg.path("d");
                switch (msg.path("op").asInt()) {
                    case 1 -> {
                        if (!AUTH.equals(d.path("authentication").asText())) {
                            authFailures.incrementAndGet();
                            session.close(4009, "Authentication failed.", Callback.NOOP);
                            return;
                        }
                        subscriptions = d.path("eventSubscriptions").asInt(0x3FF);
                        identified = true;
                        identifies.incrementAndGet();
                        session.sendText("{\"op\":2,\"d\":{\"negotiatedRpcVersion\":1}}", Callback.NOOP);
                    }
                    case 6 -> {
                        if (!identified) {
                            session.close(4007, "NotIdentified", Callback.NOOP);
                            return;
                        }
                        answer(d);
                    }
                    default -> session.close(4004, "UnknownOpCode", Callback.NOOP);
                }
            } catch (Exception e) {
                session.close(4002, "MessageDecodeError", Callback.NOOP);
            }
        }

        private void answer(JsonNode d) {
            String type = d.path("requestType").asText();
            JsonNode data = d.path("requestData");
            ObjectNode result = JSON.createObjectNode();
            int code = 100;
            String comment = null;
            switch (type) {
                case "GetVersion" -> {
                    result.put("obsVersion", "29.0.2");
                    result.put("obsWebSocketVersion", "5.1.0");
                    result.put("rpcVersion", 1);
                    result.put("platform", "linux");
                }
                case "GetStreamStatus" -> result.put("outputActive", streaming);
                case "SendStreamCaption" -> {
                    if (!streaming) {
                        code = 501;
                        comment = "Streaming is not active.";
                    }
                }
                case "GetCurrentProgramScene" -> {
                    result.put("currentProgramSceneName", "Scene");
                    result.put("sceneName", "Scene");
                }
                case "GetVideoSettings" -> {
                    result.put("baseWidth", 1280);
                    result.put("baseHeight", 720);
                    result.put("outputWidth", 1280);
                    result.put("outputHeight", 720);
                }
                case "GetInputSettings" -> {
                    ObjectNode input = inputs.get(data.path("inputName").asText());
                    if (input == null) {
                        code = 600;
                        comment = "No source was found by the name of `" + data.path("inputName").asText() + "`.";
                    } else {
                        result.put("inputKind", input.path("kind").asText());
                        result.set("inputSettings", input.path("settings"));
                    }
                }
                case "CreateInput" -> {
                    String name = data.path("inputName").asText();
                    if (inputs.containsKey(name)) {
                        code = 601;
                        comment = "A source already exists by that input name.";
                    } else {
                        ObjectNode input = JSON.createObjectNode();
                        input.put("kind", data.path("inputKind").asText());
                        input.set("settings", data.path("inputSettings").isObject() ? data.path("inputSettings").deepCopy()
                                : JSON.createObjectNode());
                        inputs.put(name, input);
                        result.put("inputUuid", java.util.UUID.randomUUID().toString());
                        result.put("sceneItemId", inputs.size());
                    }
                }
                case "SetInputSettings" -> {
                    ObjectNode input = inputs.get(data.path("inputName").asText());
                    if (input == null) {
                        code = 600;
                        comment = "No source was found by the name of `" + data.path("inputName").asText() + "`.";
                    } else {
                        ((ObjectNode) input.path("settings")).setAll((ObjectNode) data.path("inputSettings"));
                    }
                }
                case "SetSceneItemTransform" -> {
                }
                case "StartStream", "StopStream" -> {
                    boolean start = type.equals("StartStream");
                    if (streaming == start) {
                        code = start ? 500 : 501;
                    }
                }
                default -> {
                    code = 204;
                    comment = "Your request type is not valid.";
                }
            }
            ObjectNode msg = JSON.createObjectNode();
            msg.put("op", 7);
            ObjectNode r = msg.putObject("d");
            r.put("requestType", type);
            r.put("requestId", d.path("requestId").asText());
            ObjectNode status = r.putObject("requestStatus");
            status.put("result", code == 100);
            status.put("code", code);
            if (comment != null) {
                status.put("comment", comment);
            }
            if (code == 100 && !result.isEmpty()) {
                r.set("responseData", result);
            }
            requests.add(new Received(type, data)); // after its effect, so tests see both together
            session.sendText(msg.toString(), Callback.NOOP);
            if (code == 100 && (type.equals("StartStream") || type.equals("StopStream"))) {
                setStreaming(type.equals("StartStream"));
            }
        }
    }
}
