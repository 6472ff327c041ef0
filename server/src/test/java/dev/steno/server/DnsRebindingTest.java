package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A server on loopback without a token (the default) answers only requests addressed to localhost: a page whose
 * domain was rebound to 127.0.0.1 sends its own name as {@code Host} and is same-origin with itself.
 */
class DnsRebindingTest {
    private static int status(ServerFixture fx, String method, String path, String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return Integer.parseInt(new String(in.readNBytes(12), StandardCharsets.US_ASCII).substring(9));
        }
    }

    @Test
    void aRebindingPageIsRefusedAndLocalPagesServed() throws Exception {
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults(), 2)) {
            int port = fx.server.port();
            assertEquals(403, status(fx, "GET", "/metrics", "attacker.example:" + port));
            assertEquals(403, status(fx, "POST", "/admin/drain", "attacker.example:" + port));
            assertEquals(false, fx.server.drain().draining(), "the rebinding page cannot drain the node");
            assertEquals(403, status(fx, "GET", "/", "localhost.attacker.example:" + port));
            assertEquals(200, status(fx, "GET", "/metrics", "localhost:" + port));
            assertEquals(200, status(fx, "GET", "/metrics", "127.0.0.1:" + port));
            assertEquals(200, status(fx, "GET", "/metrics", "[::1]:" + port));
            assertEquals(200, status(fx, "GET", "/health/live", "attacker.example:" + port), "probes answer anyone");
        }
    }

    /** With a token the page cannot authenticate anyway, so names other than localhost are allowed (proxies). */
    @Test
    void withATokenAnyHostNameMayBeUsed() throws Exception {
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults().withApiToken("s3cret"), 2)) {
            int port = fx.server.port();
            assertEquals(401, status(fx, "GET", "/metrics", "steno.example:" + port));
            assertEquals(200, status(fx, "GET", "/metrics?token=s3cret", "steno.example:" + port));
        }
    }
}
