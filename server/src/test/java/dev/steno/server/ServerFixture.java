package dev.steno.server;

import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.server.webhook.WebhookSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real server on a free loopback port with whisper.cpp on a small random-weight model. */
final class ServerFixture implements AutoCloseable {
    private static Path model;

    final ServerConfig config;
    final ServerMetrics metrics;
    final TranscriptionService service;
    final StenoServer server;

    private ServerFixture(ServerConfig config, int maxSessions, double maxPendingSeconds) throws Exception {
        this(config, maxSessions, maxPendingSeconds, List.of());
    }

    private ServerFixture(ServerConfig config, int maxSessions, double maxPendingSeconds,
                          List<ServerExtension> extensions) throws Exception {
        this(config, maxSessions, maxPendingSeconds, extensions, WebhookSettings.none());
    }

    private ServerFixture(ServerConfig config, int maxSessions, double maxPendingSeconds,
                          List<ServerExtension> extensions, WebhookSettings webhooks) throws Exception {
        this.config = config;
        // greedy without temperature fallback: fast and deterministic steps
        WhisperCppRecognizer recognizer = WhisperCppRecognizer.load(model(), new WhisperCppConfig(1, 3, 1, false, true));
        service = new TranscriptionService(TestStreams.localAgreement(recognizer, maxSessions, 0.5, maxPendingSeconds));
        metrics = service.metrics();
        server = new StenoServer(config.withPort(0), service, extensions, webhooks);
        server.start();
        service.warmUp(new float[16000]);
    }

    /** A server over this service (which it closes), e.g. one with a test recogniser or a diarization backend. */
    private ServerFixture(TranscriptionService service, ServerConfig config, List<ServerExtension> extensions)
            throws Exception {
        this.config = config.withPort(0);
        this.service = service;
        this.metrics = service.metrics();
        this.server = new StenoServer(this.config, service, extensions);
        server.start();
        service.warmUp(new float[16000]);
    }

    static ServerFixture over(TranscriptionService service) throws Exception {
        return over(service, ServerConfig.defaults().withPcmInput(true));
    }

    static ServerFixture over(TranscriptionService service, ServerConfig config) throws Exception {
        return new ServerFixture(service, config, List.of());
    }

    /** As {@link #over(TranscriptionService, ServerConfig)} with these feature modules. */
    static ServerFixture over(TranscriptionService service, ServerConfig config, ServerExtension... extensions)
            throws Exception {
        return new ServerFixture(service, config, List.of(extensions));
    }

    static ServerFixture start() throws Exception {
        return start(ServerConfig.defaults().withPcmInput(true), 32);
    }

    static ServerFixture start(ServerConfig config, int maxSessions) throws Exception {
        return new ServerFixture(config.withPort(0), maxSessions, 60);
    }

    /** A server with these feature modules installed. */
    static ServerFixture withExtensions(ServerExtension... extensions) throws Exception {
        return new ServerFixture(ServerConfig.defaults().withPcmInput(true).withPort(0), 32, 60,
                List.of(extensions));
    }

    /** A server that sends committed lines to these webhooks. */
    static ServerFixture withWebhooks(WebhookSettings webhooks) throws Exception {
        return new ServerFixture(ServerConfig.defaults().withPcmInput(true).withPort(0), 32, 60, List.of(), webhooks);
    }

    static synchronized Path model() throws Exception {
        if (model == null) {
            Path dir = Files.createTempDirectory("steno-server-test");
            dir.toFile().deleteOnExit();
            model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 5);
            model.toFile().deleteOnExit();
        }
        return model;
    }

    URI ws(String query) {
        String base = server.uri().toString().replaceFirst("^http", "ws");
        return URI.create(base + "asr" + (query.isEmpty() ? "" : "?" + query));
    }

    URI http(String path) {
        return server.uri().resolve(path);
    }

    @Override
    public void close() throws Exception {
        server.close();
        service.close();
    }
}
