package dev.steno.jitsi.webrtc;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.TestStreams;
import dev.steno.jitsi.rtp.RtpConfig;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import dev.steno.server.webhook.WebhookSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * A real Steno server on a free loopback port with the WebRTC extension: whisper.cpp on a small random-weight model
 * (or a given recogniser), one decode worker, engine sessions for up to 32 publishers.
 */
final class WhipServer implements AutoCloseable {
    final TranscriptionService service;
    final WebRtcExtension webrtc;
    final WhipResults results = new WhipResults();
    final StenoServer server;
    private final WhisperCppRecognizer whisper;

    /**
     * @param recognizer the recogniser, or null for whisper.cpp on a random model written to {@code dir}
     * @param sinks      the sink factory, given the server's service and results hub
     */
    WhipServer(Path dir, SpeechRecognizer recognizer, ServerConfig serverConfig, WebRtcConfig config,
               Function<WhipServer, WhipSinkFactory> sinks) throws Exception {
        this(dir, recognizer, serverConfig, config, sinks, WebhookSettings.none());
    }

    /** The same, with the server's webhooks. */
    WhipServer(Path dir, SpeechRecognizer recognizer, ServerConfig serverConfig, WebRtcConfig config,
               Function<WhipServer, WhipSinkFactory> sinks, WebhookSettings hooks) throws Exception {
        whisper = recognizer != null ? null : WhisperCppRecognizer.load(
                RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 5),
                new WhisperCppConfig(1, 3, 1, false, true));
        service = new TranscriptionService(TestStreams.localAgreement(recognizer != null ? recognizer : whisper,
                Math.max(4, Math.min(config.maxSessions(), 32))));
        try {
            webrtc = new WebRtcExtension(config, RtpConfig.defaults().withWorkers(1), sinks.apply(this), results);
            server = new StenoServer(serverConfig.withPort(0), service, List.of(webrtc), hooks);
            server.start();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    URI uri(String path) {
        return server.uri().resolve(path);
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
        service.close();
        if (whisper != null) {
            whisper.close();
        }
    }
}
