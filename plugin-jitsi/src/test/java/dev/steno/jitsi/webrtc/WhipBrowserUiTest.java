package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.server.BrowserUiTest;
import dev.steno.server.ServerConfig;
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

        Path screenshot = Path.of("target", "browser", "whip-ui.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        try (WhipServer fx = new WhipServer(dir, null, ServerConfig.defaults(),
                WebRtcConfig.defaults().withPorts(49000, 49999),
                w -> new WhipSinks(w.service.streams(), Optional.empty(), null, null, w.results))) {
            fx.service.warmUp(new float[16000]);
            String wav = SharedFixtures.file("audio/jfk.wav").toString();
            String out = BrowserUiTest.run(List.of("env", "STENO_UI_CAPTURE=webrtc", "node", "asr-ui.mjs",
                    fx.server.uri().toString(), wav, screenshot.toString(), "6"), SCRIPT_DIR, 240);
            assertTrue(out.contains("\"ok\":true") && out.contains("\"capture\":\"webrtc\""), out);
            assertTrue(fx.service.metrics().sessionsTotalCount() >= 1, "the WHIP session opened an engine session");
            assertTrue(fx.service.metrics().audioSeconds() > 3, "the microphone's audio reached the engine: "
                    + fx.service.metrics().audioSeconds());
        }
    }
}
