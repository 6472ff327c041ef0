package dev.steno.jitsi.testing;

import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.JitsiExtension;
import dev.steno.server.ServerConfig;
import dev.steno.server.ServerMetrics;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import dev.steno.server.webhook.WebhookSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real Steno server on a free loopback port with the Jitsi extension installed. */
public final class JitsiServer implements AutoCloseable {
    private static Path model;

    public final ServerMetrics metrics;
    public final TranscriptionService service;
    public final JitsiExtension jitsi;
    public final StenoServer server;

    private JitsiServer(SpeechRecognizer recognizer, JitsiConfig config, ServerConfig serverConfig) throws Exception {
        this(recognizer, config, serverConfig, CorrectionSets.NONE, WebhookSettings.none());
    }

    private JitsiServer(SpeechRecognizer recognizer, JitsiConfig config, ServerConfig serverConfig,
                        CorrectionSets corrections, WebhookSettings webhooks) throws Exception {
        service = new TranscriptionService(TestStreams.localAgreement(recognizer, 16, corrections));
        metrics = service.metrics();
        jitsi = new JitsiExtension(config);
        server = new StenoServer(serverConfig.withPort(0), service, List.of(jitsi), webhooks);
        server.start();
        service.warmUp(new float[16_000]);
    }

    /** A server whose recogniser turns tone bursts into words ({@link ToneRecognizer}). */
    public static JitsiServer withTones(JitsiConfig config) throws Exception {
        return new JitsiServer(new ToneRecognizer(), config, ServerConfig.defaults());
    }

    /** As {@link #withTones(JitsiConfig)} with these term corrections. */
    public static JitsiServer withTones(JitsiConfig config, CorrectionSets corrections) throws Exception {
        return new JitsiServer(new ToneRecognizer(), config, ServerConfig.defaults(), corrections,
                WebhookSettings.none());
    }

    public static JitsiServer withTones(JitsiConfig config, ServerConfig serverConfig) throws Exception {
        return new JitsiServer(new ToneRecognizer(), config, serverConfig);
    }

    /** A tone server that sends committed lines to these webhooks. */
    public static JitsiServer withTones(JitsiConfig config, WebhookSettings webhooks) throws Exception {
        return new JitsiServer(new ToneRecognizer(), config, ServerConfig.defaults(), CorrectionSets.NONE, webhooks);
    }

    /** A server with whisper.cpp on a small random-weight model (text is gibberish or empty). */
    public static JitsiServer withWhisper(JitsiConfig config) throws Exception {
        WhisperCppRecognizer recognizer = WhisperCppRecognizer.load(model(), new WhisperCppConfig(1, 3, 1, false, true));
        return new JitsiServer(recognizer, config, ServerConfig.defaults());
    }

    static synchronized Path model() throws Exception {
        if (model == null) {
            Path dir = Files.createTempDirectory("steno-jitsi-test");
            dir.toFile().deleteOnExit();
            model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 5);
            model.toFile().deleteOnExit();
        }
        return model;
    }

    /** A ws:// address on this server. */
    public URI ws(String pathAndQuery) {
        return URI.create(server.uri().toString().replaceFirst("^http", "ws") + pathAndQuery.substring(1));
    }

    /** An http:// address on this server. */
    public URI http(String pathAndQuery) {
        return URI.create(server.uri().toString() + pathAndQuery.substring(1));
    }

    /** GET, returning the response. */
    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(http(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.close();
        service.close();
    }
}
