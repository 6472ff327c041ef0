package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno serve --jitsi} serves the Jitsi sockets and meeting transcripts; its flags are checked. */
class ServeJitsiTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
    @TempDir
    static Path dir;

    @Test
    void jitsiEndpointsAndTranscriptsAreServed() throws Exception {
        Path data = dir.resolve("jitsi-data");
        try (BackgroundServe serve = BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0",
                "--threads", "1", "--language", "en", "--no-vac", "--jitsi", "--jitsi-data-dir", data.toString(),
                "--jitsi-endpoints", "skynet", "--jitsi-retention-days", "30")) {
            HttpClient http = HttpClient.newHttpClient();
            http.newWebSocketBuilder().buildAsync(serve.ws("ws/m1"), new WebSocket.Listener() {
            }).get(10, TimeUnit.SECONDS).abort();
            HttpResponse<String> list = Await.until(Duration.ofSeconds(10), () -> serve.get("/meetings"),
                    r -> r.statusCode() != 200 || r.body().contains("\"id\":\"m1\""),
                    r -> "the socket opened meeting m1: " + r.body());
            assertEquals(200, list.statusCode(), list.body());
            assertTrue(Files.isRegularFile(data.resolve("meetings.db")), "SQLite under --jitsi-data-dir");
            // an entry point that was not asked for is not served
            assertTrue(http.newWebSocketBuilder().buildAsync(serve.ws("vosk"), new WebSocket.Listener() {
            }).handle((w, e) -> e != null).get(10, TimeUnit.SECONDS), "vosk is off");
            assertTrue(serve.log().contains("Jitsi endpoints on"), serve.log());
        }
    }

    @Test
    void participantsAreDiarizedWithTheBaselineWithoutDiarizingTheServer() throws Exception {
        try (BackgroundServe serve = BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0",
                "--threads", "1", "--language", "en", "--no-vac", "--jitsi", "--jitsi-data-dir",
                dir.resolve("voices-data").toString(), "--jitsi-endpoints", "skynet", "--jitsi-diarize-participants")) {
            assertTrue(serve.log().contains("voices within a participant told apart by the baseline"), serve.log());
            assertFalse(serve.log().contains("speakers labelled by"), "/asr stays undiarized: " + serve.log());
        }
    }

    @Test
    void badJitsiFlagsAreExplained() {
        String model = MODEL.path().toString();
        CliRun endpoint = CliRun.of("serve", "--model-path", model, "--jitsi", "--jitsi-endpoints", "sip");
        assertEquals(2, endpoint.exitCode(), endpoint.toString());
        assertTrue(endpoint.err().contains("unknown entry point 'sip'"), endpoint.err());
        CliRun key = CliRun.of("serve", "--model-path", model, "--jitsi", "--jitsi-jwt-public-key",
                dir.resolve("missing.pem").toString());
        assertEquals(2, key.exitCode(), key.toString());
        assertTrue(key.err().contains("missing.pem"), key.err());
        CliRun leeway = CliRun.of("serve", "--model-path", model, "--jitsi", "--jitsi-jwt-leeway", "3600");
        assertEquals(2, leeway.exitCode(), leeway.toString());
        assertTrue(leeway.err().contains("--jitsi-jwt-leeway must be 0 to 600 seconds"), leeway.err());
        CliRun retention = CliRun.of("serve", "--model-path", model, "--jitsi", "--jitsi-retention-days", "-1");
        assertEquals(2, retention.exitCode(), retention.toString());
        CliRun voices = CliRun.of("serve", "--model-path", model, "--jitsi", "--jitsi-diarize-participants",
                "--diarization-backend", "sortformer");
        assertEquals(2, voices.exitCode(), voices.toString());
        assertTrue(voices.err().contains("--jitsi-diarize-participants: --diarization-backend sortformer needs "
                + "--sortformer-model-path"), voices.err());
    }
}
