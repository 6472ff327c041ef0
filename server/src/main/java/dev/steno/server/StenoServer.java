package dev.steno.server;

import dev.steno.server.asr.AsrConnection;
import dev.steno.server.deepgram.DeepgramListen;
import dev.steno.server.http.ApiHandler;
import dev.steno.server.http.CorsHandler;
import dev.steno.server.http.LifecycleHandler;
import dev.steno.server.http.LoopbackHostHandler;
import dev.steno.server.http.TokenHandler;
import dev.steno.server.tls.TlsSettings;
import dev.steno.server.webhook.WebhookDispatcher;
import dev.steno.server.webhook.WebhookSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The Steno HTTP and WebSocket server: the web UI at {@code /}, the live {@code /asr} WebSocket, {@code /health},
 * {@code /health/live}, {@code /health/ready}, {@code /metrics}, {@code POST /admin/drain}, OpenAI's audio API
 * ({@code /v1/audio/transcriptions}, {@code /v1/audio/translations}, {@code /v1/models}) and the Deepgram-compatible
 * {@code /v1/listen} ({@link DeepgramListen}).
 *
 * <p>Lifecycle: construct, {@link #start()}, optionally {@linkplain #drain() drain}, {@link #close()}. Draining
 * takes the node out of service without losing text (see {@link Drain}); every endpoint and extension consults the
 * one {@link Drain} of the server. The transcription service is owned by the caller.
 */
public final class StenoServer implements AutoCloseable {
    /** Where the web UI lives inside the jar. */
    static final String WEB_ROOT = "dev/steno/server/web/";
    /**
     * Longest wait of {@link #close()} for queued webhook lines: a drain already waited for them, so this only covers
     * the lines of its last moments, and the process's shutdown allows little more than the drain timeout.
     */
    static final Duration WEBHOOK_CLOSE_WAIT = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final Server jetty;
    private final ServerConnector connector;
    private final ScheduledExecutorService ticker;
    private final List<ServerExtension> extensions;
    private final Drain drain;
    private final WebhookDispatcher webhooks;

    public StenoServer(ServerConfig config, TranscriptionService service) throws IOException {
        this(config, service, List.of());
    }

    /**
     * A server with feature modules: each extension adds its endpoints now, is started after the server and closed
     * before it.
     */
    public StenoServer(ServerConfig config, TranscriptionService service, List<? extends ServerExtension> extensions)
            throws IOException {
        this(config, service, extensions, WebhookSettings.none());
    }

    /**
     * A server that also sends every committed line to webhooks; a drain and {@link #close()} wait (at most the drain
     * timeout) for the lines still queued.
     */
    public StenoServer(ServerConfig config, TranscriptionService service, List<? extends ServerExtension> extensions,
                       WebhookSettings webhookSettings) throws IOException {
        this.config = config;
        this.webhooks = new WebhookDispatcher(webhookSettings, service.metrics().webhooks());
        List<ServerExtension> all = new ArrayList<>(extensions);
        if (all.stream().noneMatch(DeepgramListen.class::isInstance)) {
            all.addFirst(new DeepgramListen()); // every server speaks Deepgram's protocol; a given one sets the limits
        }
        this.extensions = List.copyOf(all);
        this.drain = new Drain(config.drainTimeout());
        WebhookDrain.register(drain, webhooks);
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("steno-http");
        this.jetty = new Server(threads);
        if (config.tls()) {
            this.connector = new ServerConnector(jetty, TlsSettings.server(config.certFile(), config.keyFile()));
        } else {
            this.connector = new ServerConnector(jetty);
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        jetty.addConnector(connector);

        // one timer thread paces the outbound updates of every connection
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steno-asr-ticker");
            t.setDaemon(true);
            return t;
        });

        ContextHandler context = new ContextHandler("/");
        List<Handler> extensionHandlers = new ArrayList<>();
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(jetty, context, container -> {
            container.setMaxBinaryMessageSize(config.maxFrameBytes());
            container.setMaxTextMessageSize(64 * 1024);
            container.setIdleTimeout(Duration.ofMinutes(2));
            container.addMapping("/asr", (request, response, callback) -> new AsrConnection(service, config, ticker,
                    drain, webhooks));
        });
        for (ServerExtension e : this.extensions) {
            e.install(new ServerExtension.Wiring(service, config, ws.getServerWebSocketContainer(),
                    extensionHandlers::add, drain, webhooks));
        }
        ResourceHandler web = new ResourceHandler();
        // One mount of the jar: newClassLoaderResource finds the folder through the context, the class's and the
        // system class loader (here all the same) and mounts the jar once for each, 4 MB of zip index apiece.
        URL webRoot = StenoServer.class.getClassLoader().getResource(WEB_ROOT);
        if (webRoot == null) {
            throw new IllegalStateException("the web UI's files (" + WEB_ROOT + ") are missing from the class path");
        }
        web.setBaseResource(ResourceFactory.of(jetty).newResource(webRoot));
        web.setDirAllowed(false);
        web.setWelcomeFiles("index.html");
        ApiHandler api = new ApiHandler(service, service.metrics(), drain, config.apiToken() != null,
                config.maxUploadBytes(), web);
        Handler http = api;
        if (!extensionHandlers.isEmpty()) {
            List<Handler> chain = new ArrayList<>(extensionHandlers);
            chain.add(api);
            http = new Handler.Sequence(chain);
        }
        // whatever the upgrade handler did not take as a socket is HTTP and needs the token
        ws.setHandler(config.apiToken() == null ? http : new TokenHandler(config.apiToken(), http));
        // the probes answer without the token, a draining node refuses upgrades before anything else looks at them,
        // and pages of other origins are refused sockets as well as HTTP
        Handler access = new CorsHandler(config, ws);
        if (config.apiToken() == null && LoopbackHostHandler.isLoopback(config.host())) {
            access = new LoopbackHostHandler(access);
        }
        context.setHandler(new LifecycleHandler(service, drain, access));
        jetty.setHandler(context);
    }

    /** Starts listening. */
    public void start() throws Exception {
        jetty.start();
        for (ServerExtension e : extensions) {
            e.start();
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The node's lifecycle: {@code drain().start()} drains it as {@code POST /admin/drain} does. */
    public Drain drain() {
        return drain;
    }

    /** The address to open in a browser. */
    public URI uri() {
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
        return URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + port() + "/");
    }

    /** Stops the server; open connections are closed. */
    @Override
    public void close() throws Exception {
        for (ServerExtension e : extensions.reversed()) {
            try {
                e.close();
            } catch (Exception failed) {
                System.getLogger(StenoServer.class.getName()).log(System.Logger.Level.WARNING,
                        "closing extension " + e.name() + " failed", failed);
            }
        }
        ticker.shutdownNow();
        try {
            // the extensions ended their sessions: their last lines are queued
            Duration wait = config.drainTimeout().compareTo(WEBHOOK_CLOSE_WAIT) < 0 ? config.drainTimeout()
                    : WEBHOOK_CLOSE_WAIT;
            webhooks.awaitFlushed(wait);
        } finally {
            webhooks.close();
        }
        jetty.stop();
    }
}
