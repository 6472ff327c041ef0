package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.jitsi.webrtc.WebRtcConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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

    /** An IPv4 address of an interface that is up, not loopback: where ice4j gathers host candidates. */
    private static String lanAddress() throws Exception {
        for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
            if (n.isUp() && !n.isLoopback()) {
                for (InetAddress a : n.inetAddresses().toList()) {
                    if (a instanceof Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        throw new AssertionError("this machine has no IPv4 interface besides loopback");
    }

    @Test
    void webrtcPortsTurnOnWhip() throws Exception {
        String offer = Files.readString(OFFER).replace("\n", "\r\n");
        String lanAddress = lanAddress();
        try (BackgroundServe serve = BackgroundServe.start("--port", "0", "--model-path", MODEL.path().toString(),
                "--threads", "1", "--no-vad", "--webrtc-ports", "45100-45199", "--webrtc-consent-timeout", "5",
                "--webrtc-addresses", "127.0.0.1," + lanAddress)) {
            HttpResponse<String> created = post(serve, offer);
            assertEquals(201, created.statusCode(), created.body());
            List<String[]> candidates = created.body().lines().filter(l -> l.startsWith("a=candidate:"))
                    .map(l -> l.split(" ")).toList();
            assertEquals(Set.of("127.0.0.1", lanAddress), candidates.stream().map(c -> c[4])
                    .collect(Collectors.toSet()), "exactly the --webrtc-addresses: " + created.body());
            assertEquals(Set.of("45100"), candidates.stream().map(c -> c[5]).collect(Collectors.toSet()),
                    "one shared port, the first of the range: " + created.body());
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

    @Test
    void webrtcAddressesAreIpLiterals() {
        assertEquals(2, WebRtcOptions.parseAddresses(List.of("10.0.0.7", " ::1 ")).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebRtcOptions.parseAddresses(List.of("steno.example")));
        assertTrue(e.getMessage().contains("--webrtc-addresses takes IP addresses, not 'steno.example'"),
                e.getMessage());
    }
}
