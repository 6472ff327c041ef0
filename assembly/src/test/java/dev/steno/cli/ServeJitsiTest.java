package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code steno serve --jitsi} serves the Jitsi sockets and meeting transcripts; its flags are checked. */
class ServeJitsiTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void generateModel() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 9);
    }

    @Test
    void jitsiEndpointsAndTranscriptsAreServed() throws Exception {
        ServeCommand serve = new ServeCommand();
        CommandLine cl = new CommandLine(serve);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        Path data = dir.resolve("jitsi-data");
        Thread t = new Thread(() -> cl.execute("--model-path", model.toString(), "--port", "0", "--threads", "1",
                "--language", "en", "--no-vac", "--jitsi", "--jitsi-data-dir", data.toString(),
                "--jitsi-endpoints", "skynet", "--jitsi-retention-days", "30"));
        t.setDaemon(true);
        t.start();
        try {
            assertTrue(serve.started.await(60, TimeUnit.SECONDS), "server started: " + err);
            HttpClient http = HttpClient.newHttpClient();
            URI ws = URI.create(serve.server.uri().toString().replaceFirst("^http", "ws") + "ws/m1");
            http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
            }).get(10, TimeUnit.SECONDS).abort();
            HttpResponse<String> list;
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                list = http.send(HttpRequest.newBuilder(serve.server.uri().resolve("/meetings")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, list.statusCode());
            } while (!list.body().contains("\"id\":\"m1\"") && System.nanoTime() < deadline);
            assertTrue(list.body().contains("\"id\":\"m1\""), "the socket opened meeting m1: " + list.body());
            assertTrue(Files.isRegularFile(data.resolve("meetings.db")), "SQLite under --jitsi-data-dir");
            // an entry point that was not asked for is not served
            URI vosk = URI.create(serve.server.uri().toString().replaceFirst("^http", "ws") + "vosk");
            assertTrue(http.newWebSocketBuilder().buildAsync(vosk, new WebSocket.Listener() {
            }).handle((w, e) -> e != null).get(10, TimeUnit.SECONDS), "vosk is off");
            assertTrue(err.toString().contains("Jitsi endpoints on"), err.toString());
        } finally {
            t.interrupt();
            t.join(15_000);
        }
    }

    @Test
    void badJitsiFlagsAreExplained() {
        CliRun endpoint = CliRun.of("serve", "--model-path", model.toString(), "--jitsi", "--jitsi-endpoints", "sip");
        assertEquals(2, endpoint.exitCode(), endpoint.toString());
        assertTrue(endpoint.err().contains("unknown entry point 'sip'"), endpoint.err());
        CliRun key = CliRun.of("serve", "--model-path", model.toString(), "--jitsi", "--jitsi-jwt-public-key",
                dir.resolve("missing.pem").toString());
        assertEquals(2, key.exitCode(), key.toString());
        assertTrue(key.err().contains("missing.pem"), key.err());
        CliRun retention = CliRun.of("serve", "--model-path", model.toString(), "--jitsi", "--jitsi-retention-days",
                "-1");
        assertEquals(2, retention.exitCode(), retention.toString());
    }
}
