package dev.steno.server;

import dev.steno.server.webhook.Webhooks;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * A feature module (Jitsi ingest, OBS overlay, ...) that adds endpoints to the one Steno server. The server calls
 * {@link #install} while it is built, then {@link #start} after Jetty started and {@link #close} before Jetty stops.
 * Extensions share the server's {@link TranscriptionService} (one model, one bounded scheduler) and its port, TLS and
 * access rules.
 */
public interface ServerExtension extends AutoCloseable {
    /** A short name for logs ("jitsi", "obs"). */
    String name();

    /** Adds this extension's endpoints. Called once, before the server starts. */
    void install(Wiring wiring);

    /** Starts background work (UDP sockets, clients); the server is already listening. */
    default void start() throws Exception {
    }

    /** Stops background work; called before the server stops. */
    @Override
    default void close() throws Exception {
    }

    /**
     * What an extension may touch while the server is built.
     *
     * @param service   the shared engine view
     * @param config    the server's settings
     * @param webSocket the server's WebSocket container: add mappings with
     *                  {@code webSocket.addMapping("uri-template|/path/{id}", creator)} (a plain
     *                  {@code "/path/*"} is a servlet-style spec)
     * @param http      registers a handler consulted before the built-in API and web UI; it returns false for
     *                  requests it does not own
     * @param drain     the server's lifecycle: admit every live session (and refuse one when admission is refused),
     *                  so that draining the node winds it down; WebSocket upgrades are already refused while draining
     * @param webhooks  where committed lines go: {@code webhooks.sink(url)} for each session or meeting
     */
    record Wiring(TranscriptionService service, ServerConfig config, ServerWebSocketContainer webSocket,
                  Consumer<Handler> http, Drain drain, Webhooks webhooks) {
    }
}
