package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.jitsi.webrtc.WebRtcConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code steno serve --webrtc-ports}: the WHIP endpoint is on, answers offers from the port range, and is off without. */
class ServeWhipTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);

    private static final Path OFFER = Path.of("..", "plugin-jitsi", "src", "test", "resources", "webrtc",
            "chromium-offer.sdp");

    private static HttpResponse<String> post(BackgroundServe serve, String sdp) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(serve.http("/whip"))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(sdp)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void webrtcPortsTurnOnWhip() throws Exception {
        String offer = Files.readString(OFFER).replace("\n", "\r\n");
        try (BackgroundServe serve = BackgroundServe.start("--port", "0", "--model-path", MODEL.path().toString(),
                "--threads", "1", "--no-vad", "--webrtc-ports", "45100-45199", "--webrtc-consent-timeout", "5")) {
            HttpResponse<String> created = post(serve, offer);
            assertEquals(201, created.statusCode(), created.body());
            assertTrue(created.body().contains(" 451"), "candidates in the range: " + created.body());
            assertTrue(serve.get("/whip").body().contains("\"state\":\"connecting\""));
        }
        try (BackgroundServe serve = BackgroundServe.start("--port", "0", "--model-path", MODEL.path().toString(),
                "--threads", "1", "--no-vad")) {
            assertEquals(404, post(serve, offer).statusCode(), "no WHIP without --webrtc-ports");
        }
    }

    @Test
    void turnServersAreUserPasswordAtHostPort() {
        WebRtcConfig.TurnServer t = WebRtcOptions.parseTurn("steno:p@ss:word@turn.example:3478");
        assertEquals("turn.example:3478", t.address());
        assertEquals("steno", t.username());
        assertEquals("p@ss:word", t.password());
        assertTrue(!t.toString().contains("p@ss"), "the password stays out of logs");
        assertThrows(IllegalArgumentException.class, () -> WebRtcOptions.parseTurn("turn.example:3478"));
    }
}
