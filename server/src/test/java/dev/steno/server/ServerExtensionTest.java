package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;

/** Feature modules plug their endpoints into the one server without hiding the built-in ones. */
class ServerExtensionTest {

    /** Answers GET /ext/ping over HTTP and echoes text on WS /ext/echo/{id}; records its lifecycle. */
    static final class PingExtension implements ServerExtension {
        final List<String> lifecycle = new ArrayList<>();

        @Override
        public String name() {
            return "ping";
        }

        @Override
        public void install(Wiring wiring) {
            lifecycle.add("install");
            wiring.http().accept(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    if (!Request.getPathInContext(request).equals("/ext/ping")) {
                        return false;
                    }
                    response.write(true, StandardCharsets.UTF_8.encode("pong"), callback);
                    return true;
                }
            });
            wiring.webSocket().addMapping("uri-template|/ext/echo/{id}", (req, resp, cb) -> new Echo());
        }

        @Override
        public void start() {
            lifecycle.add("start");
        }

        @Override
        public void close() {
            lifecycle.add("close");
        }
    }

    /** Jetty calls listener methods through method handles: the class must be public. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText("echo " + message, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    @Test
    void extensionEndpointsServeBesideTheBuiltInOnes() throws Exception {
        PingExtension ext = new PingExtension();
        HttpClient http = HttpClient.newHttpClient();
        try (ServerFixture f = ServerFixture.withExtensions(ext)) {
            assertEquals(List.of("install", "start"), ext.lifecycle);
            HttpResponse<String> ping = http.send(HttpRequest.newBuilder(f.http("/ext/ping")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ping.statusCode());
            assertEquals("pong", ping.body());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(f.http("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());

            CompletableFuture<String> reply = new CompletableFuture<>();
            String wsUri = f.http("/ext/echo/room1").toString().replaceFirst("^http", "ws");
            WebSocket ws = http.newWebSocketBuilder().buildAsync(java.net.URI.create(wsUri), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    reply.complete(data.toString());
                    return null;
                }
            }).exceptionally(e -> {
                if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                    throw new AssertionError("handshake refused: " + h.getResponse().statusCode() + " "
                            + h.getResponse().body());
                }
                throw new AssertionError(e);
            }).get(10, TimeUnit.SECONDS);
            ws.sendText("hi", true);
            assertEquals("echo hi", reply.get(10, TimeUnit.SECONDS));
            ws.abort();
        }
        assertTrue(ext.lifecycle.contains("close"), "extension closed with the server: " + ext.lifecycle);
    }
}
