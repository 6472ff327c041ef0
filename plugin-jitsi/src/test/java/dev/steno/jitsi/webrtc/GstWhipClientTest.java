package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.jitsi.rtp.RecordingSink;
import dev.steno.server.ServerConfig;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WHIP publisher independent of Chromium's WebRTC stack: {@code deploy/whip/gst-whip-publish.py}, GStreamer's
 * webrtcbin (libnice ICE, OpenSSL DTLS, libsrtp) driven from Python. It publishes jfk.wav once with the server's
 * Bearer token; the decoded audio must sound like the file, and the DELETE the script sends at the file's end must
 * end the stream. A wrong token is refused and the script says so. Needs Debian's webrtcbin, libnice plugin and
 * Python GObject bindings: under {@code CI=true} their absence fails the test, elsewhere it is skipped.
 */
@Tag(SystemPrograms.TAG)
class GstWhipClientTest {
    /** The script users run; the tests run in plugin-jitsi. */
    private static final Path SCRIPT = Path.of("..", "deploy", "whip", "gst-whip-publish.py");
    /** Debian's own Python: the gi bindings are installed for it, not for a pyenv or venv Python on PATH. */
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PACKAGES =
            "gstreamer1.0-plugins-bad gstreamer1.0-nice python3-gi gir1.2-gst-plugins-bad-1.0";
    private static final String TOKEN = "s3cret";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final RecordingSink sink = new RecordingSink(1);
    private WhipServer fx;

    @BeforeEach
    void start() throws Exception {
        requireWebrtcbin();
        fx = new WhipServer(dir, null, ServerConfig.defaults().withApiToken(TOKEN),
                WebRtcConfig.defaults().withPorts(47000, 47999)
                        .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(30)),
                w -> (id, options) -> sink);
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void webrtcbinPublishesAFileOverWhipAndItsDeleteEndsTheStream() throws Exception {
        Path wav = SharedFixtures.file("audio/jfk.wav");
        Path log = dir.resolve("gst-whip-publish.log");
        Process publisher = publish(wav, log, "--token", TOKEN);
        try {
            Await.until(Duration.ofSeconds(30), this::sessions, s -> s.contains("\"connected\""),
                    s -> "no connected session: " + s + "\n" + read(log));
            // the file plays once, 11 s at its own pace; at its end the script DELETEs its resource
            assertTrue(publisher.waitFor(60, TimeUnit.SECONDS), "the publisher did not finish:\n" + read(log));
            assertEquals(0, publisher.exitValue(), read(log));
        } finally {
            end(publisher);
        }
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.contains("connected"), "webrtcbin saw the connection:\n" + read(log));
        assertTrue(lines.contains("deleted 200"), "the script's DELETE was accepted:\n" + read(log));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("error:")),
                "the server closing its side after the DELETE is no error:\n" + read(log));
        assertTrue(sink.awaitEnds(10), "the DELETE ended the stream:\n" + read(log));
        assertEquals("{\"sessions\":[]}", sessions());

        RecordingSink.Track t = sink.tracks.get("gst");
        assertTrue(t.length > 8 * 16_000, "most of the 11 s file arrived: " + t.length + " samples\n" + read(log));
        EnvelopeMatch.assertFollows(t, wav, "webrtcbin");
    }

    @Test
    void aWrongTokenIsRefusedAndTheScriptReportsTheAnswer() throws Exception {
        Path log = dir.resolve("gst-whip-publish.log");
        Process publisher = publish(SharedFixtures.file("audio/jfk.wav"), log, "--token", "wrong");
        try {
            assertTrue(publisher.waitFor(60, TimeUnit.SECONDS), "the publisher did not give up:\n" + read(log));
            assertEquals(1, publisher.exitValue(), read(log));
        } finally {
            end(publisher);
        }
        assertTrue(read(log).contains("error: POST answered HTTP 401"), read(log));
        assertFalse(Files.readAllLines(log).contains("connected"), read(log));
        assertEquals("{\"sessions\":[]}", sessions());
        assertTrue(sink.tracks.isEmpty(), "no audio without the token");
    }

    private Process publish(Path wav, Path log, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(),
                fx.uri("/whip?participant=gst").toString(), wav.toString()));
        cmd.addAll(List.of(options));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void end(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private String sessions() throws Exception {
        return http.send(HttpRequest.newBuilder(fx.uri("/whip")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** webrtcbin, its ICE elements and the Python bindings the script imports. */
    private static void requireWebrtcbin() {
        SystemPrograms.require(succeeds(PYTHON, "-c", "import gi; gi.require_version('Gst', '1.0'); "
                        + "gi.require_version('GstSdp', '1.0'); gi.require_version('GstWebRTC', '1.0'); "
                        + "from gi.repository import Gst, GstSdp, GstWebRTC"),
                "Python GObject bindings of GStreamer WebRTC (" + PYTHON + ")", PACKAGES);
        for (String element : List.of("webrtcbin", "nicesrc")) {
            SystemPrograms.require(succeeds("gst-inspect-1.0", element), "GStreamer element " + element,
                    "gstreamer1.0-tools " + PACKAGES);
        }
    }

    private static boolean succeeds(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
