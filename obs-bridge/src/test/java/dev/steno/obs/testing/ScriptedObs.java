package dev.steno.obs.testing;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * An obs-websocket server in the JVM that says only what it is told: each new connection is sent the current script,
 * message by message, and whatever the client sends is ignored. For feeding a client messages no real OBS would send.
 */
public final class ScriptedObs implements AutoCloseable {
    private volatile List<String> script = List.of();
    private final Server jetty = new Server();
    private final ServerConnector connector = new ServerConnector(jetty);
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-obs-sender");
        t.setDaemon(true);
        return t;
    });

    public ScriptedObs() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        context.setHandler(WebSocketUpgradeHandler.from(jetty, context, c -> {
            c.setMaxTextMessageSize(64 << 20);
            c.addMapping("/", (req, resp, cb) -> {
                resp.setAcceptedSubProtocol("obswebsocket.json");
                return new Connection(script);
            });
        }));
        jetty.setHandler(context);
        jetty.start();
    }

    /** What connections opened from now on are sent. */
    public void script(List<String> messages) {
        script = List.copyOf(messages);
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
        senders.shutdownNow();
    }

    /** One client: sent the script in order, one message at a time, off Jetty's thread. Public: Jetty calls it. */
    public final class Connection implements Session.Listener.AutoDemanding {
        private final List<String> messages;

        Connection(List<String> messages) {
            this.messages = messages;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            senders.execute(() -> {
                for (String m : messages) {
                    CompletableFuture<Void> sent = new CompletableFuture<>();
                    s.sendText(m, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
                    if (!sent.handle((v, e) -> e == null).join()) {
                        return; // the connection is gone
                    }
                }
            });
        }
    }
}
