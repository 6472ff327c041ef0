package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API token guards every HTTP endpoint however a request dresses itself: a request that claims to be a WebSocket
 * upgrade but is not one (wrong method, no key, or a path without a socket) reaches the HTTP endpoints and must carry
 * the token like any other.
 */
class TokenGateTest {
    private static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = ServerFixture.start(ServerConfig.defaults().withApiToken("s3cret"), 2);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** Sends one raw HTTP/1.1 request (HttpClient refuses to set {@code Upgrade}) and returns its status code. */
    private static int status(String method, String path, String extraHeaders) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost:" + fx.server.port() + "\r\n"
                    + extraHeaders + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return Integer.parseInt(parts[1]);
        }
    }

    @Test
    void anUpgradeHeaderDoesNotStandInForTheToken() throws Exception {
        String fakeUpgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        assertEquals(401, status("GET", "/metrics", fakeUpgrade));
        assertEquals(401, status("GET", "/health", fakeUpgrade));
        assertEquals(401, status("GET", "/", fakeUpgrade));
        assertEquals(401, status("POST", "/v1/audio/transcriptions", fakeUpgrade));
        assertEquals(401, status("POST", "/asr", fakeUpgrade), "a socket's path, but not a real upgrade");
        assertEquals(401, status("POST", "/admin/drain", fakeUpgrade));
        assertFalse(fx.server.drain().draining(), "a drain without the token must not start");
    }

    @Test
    void theTokenStillOpensTheEndpoints() throws Exception {
        assertEquals(200, status("GET", "/metrics?token=s3cret", ""));
        assertEquals(200, status("GET", "/health", "Authorization: Bearer s3cret\r\n"));
        assertEquals(401, status("GET", "/metrics", ""));
    }
}
