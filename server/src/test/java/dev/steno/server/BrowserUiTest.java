package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web UI in a real headless Chromium with a fake microphone playing jfk.wav, driven by Playwright
 * ({@code src/test/browser/asr-ui.mjs}). Needs Debian's {@code chromium} and Node.js with npm: under {@code CI=true}
 * their absence fails the test ({@code .ci/run} installs them); elsewhere it is skipped with a message.
 * The screenshot is kept as {@code target/browser/asr-ui.png}.
 */
@Tag(SystemPrograms.TAG)
public class BrowserUiTest {
    private static final Path SCRIPT_DIR = Path.of("src", "test", "browser");

    /** Debian's Chromium ({@code $STENO_CHROMIUM} first), or null; the WebRTC tests of plugin-jitsi use it too. */
    public static String chromium() {
        for (String c : List.of(System.getenv().getOrDefault("STENO_CHROMIUM", ""), "/usr/bin/chromium",
                "/usr/bin/chromium-browser")) {
            if (!c.isEmpty() && Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }


    @Test
    void recordsFromAFakeMicrophoneAndShowsTheTranscript() throws Exception {
        String chromium = chromium();
        SystemPrograms.require(chromium != null, "Chromium", "chromium");
        SystemPrograms.requireOnPath("nodejs npm", "node", "npm");
        run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), SCRIPT_DIR, 300);

        Path out = Path.of("target", "browser");
        Files.createDirectories(out);
        Path screenshot = out.resolve("asr-ui.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        try (ServerFixture fx = ServerFixture.start()) {
            String wav = SharedFixtures.file("audio/jfk.wav").toString();
            String result = run(List.of("node", "asr-ui.mjs", fx.server.uri().toString(), wav, screenshot.toString(),
                    "6"), SCRIPT_DIR, 180);
            assertTrue(result.contains("\"ok\":true"), result);
            // read-aloud (Alt+R) was on for the whole recording: every speech line was read once
            assertEquals(field(result, "speechLines"), field(result, "readAloud"), result);
            assertTrue(Files.size(screenshot) > 10_000, "a screenshot was taken");
            assertTrue(fx.metrics.sessionsTotalCount() >= 1, "the page opened a session");
            assertTrue(fx.metrics.audioSeconds() > 1, "the fake microphone's audio reached the server");
        }
    }

    /** A number field of the script's JSON line. */
    private static int field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Integer.parseInt(m.group(1));
    }

    /** Runs a command in {@code dir}, fails the test when it fails or times out, and returns its output. */
    public static String run(List<String> command, Path dir, int timeoutSeconds) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        String chromium = chromium();
        if (chromium != null) {
            pb.environment().put("STENO_CHROMIUM", chromium);
        }
        return ChildProcesses.run(pb, timeoutSeconds);
    }
}
