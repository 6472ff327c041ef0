package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uploads are bounded: the whole body by the server's limit, each text field by 64 KiB. */
class UploadLimitsTest {
    private static final long LIMIT = 256 * 1024;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServerFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = ServerFixture.start(ServerConfig.defaults().withMaxUploadBytes(LIMIT), 2);
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static byte[] wav() throws IOException {
        return Files.readAllBytes(SharedFixtures.file("audio/librispeech/7902-96591-0000.wav"));
    }

    /** A declared length over the limit is answered at once: the server reads none of the body it announced. */
    @Test
    void aDeclaredLengthOverTheLimitIsRefusedUnread() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/audio/transcriptions HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; "
                    + "boundary=x\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n--x\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", head);
        }
    }

    /** Without a declared length (chunked) the body is cut off at the limit, with the same answer. */
    @Test
    void aChunkedBodyOverTheLimitIsRefused() throws Exception {
        byte[] big = new byte[(int) LIMIT + 4096];
        byte[] body = HttpEndpointsTest.multipart("xyzzy", Map.of(), "big.wav", big);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(fx.http("/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=xyzzy")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.body().contains("limit of " + LIMIT + " bytes"), r.body());
        assertTrue(r.body().startsWith("{\"error\":{\"message\":") && r.body().contains("\"param\":\"file\""),
                "OpenAI's error shape: " + r.body());
    }

    @Test
    void aTextFieldOver64KiBIsRefused() throws Exception {
        URI uri = fx.http("/v1/audio/transcriptions");
        HttpResponse<String> r = HTTP.send(HttpEndpointsTest.upload(uri, Map.of("prompt", "a".repeat(65 * 1024)),
                "a.wav", wav()), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("'prompt'"), r.body());
        HttpResponse<String> ok = HTTP.send(HttpEndpointsTest.upload(uri, Map.of("prompt", "a short prompt",
                "response_format", "text"), "a.wav", wav()), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), "an upload within the limits is served: " + ok.body());
    }
}
