package dev.steno.jitsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import dev.steno.server.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind an API token, the meeting transcripts and the Jitsi sockets need it however a request is dressed, and every
 * Jitsi socket has a message size limit.
 */
class JitsiAccessTest {
    private static final String TOKEN = "s3cret";
    @TempDir
    static Path dir;
    private static JitsiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = JitsiServer.withTones(JitsiConfig.defaults(dir), ServerConfig.defaults().withApiToken(TOKEN));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** One raw HTTP/1.1 GET (HttpClient refuses to set {@code Upgrade}); returns the status code. */
    private static int rawGet(String path, String extraHeaders) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return Integer.parseInt(new String(in.readNBytes(12), StandardCharsets.US_ASCII).substring(9));
        }
    }

    @Test
    void transcriptsNeedTheTokenEvenOnAFakeUpgrade() throws Exception {
        String fakeUpgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        assertEquals(401, rawGet("/meetings", fakeUpgrade));
        assertEquals(401, rawGet("/meetings/m1/transcript.json", fakeUpgrade));
        assertEquals(401, rawGet("/meetings", ""));
        assertEquals(200, rawGet("/meetings?token=" + TOKEN, ""));
    }

    @Test
    void theSocketsNeedTheToken() {
        for (String path : new String[] {"/transcribe/m1", "/ws/m1", "/streaming-whisper/ws/m1", "/vosk"}) {
            assertEquals(401, TestSocket.handshakeStatus(server.ws(path), Map.of()), path);
            assertEquals(401, TestSocket.handshakeStatus(server.ws(path + "?token=wrong"), Map.of()), path);
            assertEquals(-1, TestSocket.handshakeStatus(server.ws(path), Map.of("Authorization", "Bearer " + TOKEN)),
                    path);
        }
    }

    /** The server may close the socket while the message is still being sent: what counts is its close code. */
    private static void sendIgnoringTheClose(Runnable send) {
        try {
            send.run();
        } catch (CompletionException closedWhileSending) {
            // the close code below says why
        }
    }

    /**
     * A message one byte over the server's limits (1 MiB binary; text 1 MiB on the videobridge export, whose events
     * carry base64 audio, 64 KiB elsewhere) closes its socket with 1009, on every entry point. It goes in fragments so the over-limit byte is the last one sent (see
     * {@link TestSocket#binaryInFragments}).
     */
    @Test
    void oversizedMessagesCloseTheSocket() throws Exception {
        Map<String, Integer> textLimits = Map.of("/transcribe/m2", 1 << 20, "/ws/m2", 64 << 10, "/vosk/m2", 64 << 10);
        for (var entry : textLimits.entrySet()) {
            String path = entry.getKey();
            try (TestSocket binary = TestSocket.open(server.ws(path + "?token=" + TOKEN))) {
                sendIgnoringTheClose(() -> binary.binaryInFragments((1 << 20) + 1));
                assertEquals(1009, binary.closed.get(10, TimeUnit.SECONDS), path + " binary");
            }
            try (TestSocket text = TestSocket.open(server.ws(path + "?token=" + TOKEN))) {
                sendIgnoringTheClose(() -> text.textInFragments(entry.getValue() + 1));
                assertEquals(1009, text.closed.get(10, TimeUnit.SECONDS), path + " text");
            }
        }
    }
}
