package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.testing.TestStreams;
import dev.steno.jitsi.rtp.RtpConfig;
import dev.steno.server.BrowserUiTest;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's WebRTC capture mode in headless Chromium (the server module's Playwright script
 * {@code asr-ui.mjs} with {@code STENO_UI_CAPTURE=webrtc}): the fake microphone goes over WHIP, the transcript comes
 * back on {@code /whip/<id>/results} and the page shows it, then stop ends the session. Needs Debian's
 * {@code chromium} and Node.js with npm (failing under {@code CI=true}, skipped elsewhere).
 */
@Tag(SystemPrograms.TAG)
class WhipBrowserUiTest {
    private static final Path SCRIPT_DIR = Path.of("..", "server", "src", "test", "browser");

    @TempDir
    Path dir;

    @Test
    void theUiRecordsOverWebRtcAndShowsTheTranscript() throws Exception {
        String chromium = BrowserUiTest.chromium();
        SystemPrograms.require(chromium != null, "Chromium", "chromium");
        SystemPrograms.requireOnPath("nodejs npm", "node", "npm");
        BrowserUiTest.run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), SCRIPT_DIR, 300);

        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 5);
        Path screenshot = Path.of("target", "browser", "whip-ui.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        WhipResults results = new WhipResults();
        try (WhisperCppRecognizer recognizer = WhisperCppRecognizer.load(model,
                new WhisperCppConfig(1, 3, 1, false, true));
             TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(recognizer, 4))) {
            WebRtcExtension webrtc = new WebRtcExtension(WebRtcConfig.defaults().withPorts(49000, 49999),
                    RtpConfig.defaults().withWorkers(1),
                    new WhipSinks(service.streams(), Optional.empty(), null, null, results), results);
            try (StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0), service,
                    List.of(webrtc))) {
                server.start();
                service.warmUp(new float[16000]);
                String wav = SharedFixtures.file("audio/jfk.wav").toString();
                String out = BrowserUiTest.run(List.of("env", "STENO_UI_CAPTURE=webrtc", "node", "asr-ui.mjs",
                        server.uri().toString(), wav, screenshot.toString(), "6"), SCRIPT_DIR, 240);
                assertTrue(out.contains("\"ok\":true") && out.contains("\"capture\":\"webrtc\""), out);
                assertTrue(service.metrics().sessionsTotalCount() >= 1, "the WHIP session opened an engine session");
                assertTrue(service.metrics().audioSeconds() > 3, "the microphone's audio reached the engine: "
                        + service.metrics().audioSeconds());
            }
        }
    }
}
