package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steno bench load} without a proxy: a short run on one in-process node with one session past its limit,
 * how a session tells a clean refusal from a failure, the figures' arithmetic and the flags' errors. The soak
 * through nginx is {@link LoadSoakTest}.
 */
class LoadBenchCommandTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 12);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aShortRunOnOneNodeAdmitsItsLimitAndRefusesTheRest() throws Exception {
        // with a token: /metrics answers 401 and /asr closes 4401 unless the run sends it
        try (BackgroundServe node = BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0",
                "--threads", "1", "--language", "en", "--no-vac", "--max-sessions", "2", "--api-token", "load-test")) {
            Path json = dir.resolve("load.json");
            CliRun run = CliRun.of("bench", "load", "--url", node.http("/").toString(), "--token", "load-test",
                    "--sessions", "3",
                    "--ramp", "1s", "--duration", "8s", "--warmup", "1s", "--progress", "4s", "--settle", "20s",
                    "--audio", SharedFixtures.file("audio/jfk.wav").toString(), "--max-lag", "30", "--max-node-lag", "30",
                    "--max-heap-slope", "1000000", "--max-rss-slope", "1000000", "--json", json.toString());
            JsonNode report = JSON.readTree(json.toFile());
            JsonNode s = report.path("sessions");
            assertEquals(2, s.path("capacity").asInt(), run.toString());
            assertEquals(2, s.path("admitted").asInt(), run.toString());
            assertEquals(2, s.path("served").asInt(), run.toString());
            assertEquals(1, s.path("refused").asInt(), run.toString());
            assertEquals(0, s.path("failed").asInt(), run.toString());
            assertTrue(s.path("refusals").has("close 1013 \"the server is at its maximum number of sessions; try "
                    + "again later\""), run.toString());
            assertTrue(report.path("lag").path("samples").asInt() > 0, run.toString());
            assertTrue(run.out().contains("sessions: 3 requested, 2 admitted, 1 refused, 0 failed"), run.out());
            assertTrue(run.out().contains("] sessions: "), "a progress line: " + run.out());
            assertEquals(report.path("passed").asBoolean() ? 0 : 1, run.exitCode(), run.toString());
        }
    }

    @Test
    void a503HandshakeIsACleanRefusalAndAResetIsNot() throws Exception {
        HttpServer refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        refusing.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Retry-After", "5");
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        refusing.start();
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket resetting = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             HttpClient http = HttpClient.newHttpClient()) {
            Thread closer = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = resetting.accept();
                        s.setSoLinger(true, 0); // close with RST, as a crashed node's kernel would
                        s.close();
                        accepted.add(s);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            BenchAudio.Loop audio = BenchAudio.loop(SharedFixtures.file("audio/jfk.wav"));
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            LoadSession.Outcome refused = new LoadSession(1, http, URI.create("ws://127.0.0.1:"
                    + refusing.getAddress().getPort() + "/asr"), null, audio, end).run();
            assertEquals(LoadSession.Kind.REFUSED, refused.kind(), refused.toString());
            assertEquals("HTTP 503", refused.detail());
            LoadSession.Outcome reset = new LoadSession(2, http, URI.create("ws://127.0.0.1:"
                    + resetting.getLocalPort() + "/asr"), null, audio, end).run();
            assertEquals(LoadSession.Kind.FAILED, reset.kind(), reset.toString());
            resetting.close();
            closer.join();
            // the HTTP client retries a handshake that was reset once, so the session knocked once or twice
            assertTrue(!accepted.isEmpty(), "the session reached the resetting server");
        } finally {
            refusing.stop(0);
        }
    }

    @Test
    void theSlopeIsLeastSquaresPerHourAndPercentilesAreNearestRank() {
        double[] t = {0, 60, 120, 180};
        double[] y = {100, 101, 102, 103}; // one unit a minute
        assertEquals(60, LoadReport.slopePerHour(t, y), 1e-9);
        double[] noisy = {100, 103, 100, 103};
        // cov / var = 180 / 18000 = 0.01 a second: the fitted line, not the ends' 3 units in 3 minutes
        assertEquals(36, LoadReport.slopePerHour(t, noisy), 1e-9);
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, LoadReport.percentile(sorted, 0.5));
        assertEquals(10, LoadReport.percentile(sorted, 0.95));
        assertEquals(1, LoadReport.percentile(sorted, 0));
    }

    @Test
    void durationsTakeUnits() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofSeconds(90), c.convert("90"));
        assertEquals(Duration.ofSeconds(90), c.convert("90s"));
        assertEquals(Duration.ofSeconds(150), c.convert("2.5m"));
        assertEquals(Duration.ofHours(1), c.convert("1h"));
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
    }

    @Test
    void badFlagsAreRefusedByName() {
        String audio = SharedFixtures.file("audio/jfk.wav").toString();
        expectUsageError("--duration (5.0 s) must be longer than --ramp (10.0 s)",
                "--url", "http://127.0.0.1:9", "--duration", "5s", "--audio", audio);
        expectUsageError("is not a duration", "--url", "http://127.0.0.1:9", "--ramp", "soon", "--audio", audio);
        expectUsageError("--url 'ftp://host' is not a node's base address", "--url", "ftp://host", "--audio", audio);
        expectUsageError("--sessions must be at least 1", "--url", "http://127.0.0.1:9", "--sessions", "0",
                "--audio", audio);
        expectUsageError("--audio " + dir.resolve("none.wav") + ": no such readable file", "--url",
                "http://127.0.0.1:9", "--audio", dir.resolve("none.wav").toString());
        expectUsageError("Missing required option: '--url=URL'", "--audio", audio);
    }

    @Test
    void anUnreachableNodeIsNamed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun run = CliRun.of("bench", "load", "--url", "http://127.0.0.1:" + port, "--audio",
                SharedFixtures.file("audio/jfk.wav").toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("GET http://127.0.0.1:" + port + "/metrics failed"), run.toString());
    }

    private static void expectUsageError(String message, String... flags) {
        String[] args = new String[flags.length + 2];
        args[0] = "bench";
        args[1] = "load";
        System.arraycopy(flags, 0, args, 2, flags.length);
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains(message), "'" + message + "' in:\n" + run);
    }
}
