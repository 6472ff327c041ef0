package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.server.Drain;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code steno serve} drains on its shutdown path and after {@code POST /admin/drain}, within {@code --drain-timeout};
 * the JVM's shutdown hook is not fired here: the test runs what it runs.
 */
class ServeDrainTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);

    /** An {@code /asr} client that records the close code. */
    static final class Client implements WebSocket.Listener {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Void> configured = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            configured.complete(null); // the first message is the session's config: it was admitted
            return WebSocket.Listener.super.onText(ws, data, last);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    @Test
    void theShutdownPathDrainsALiveSessionThenTheCommandStops() throws Exception {
        BackgroundServe serve = BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0",
                "--threads", "1", "--language", "en", "--drain-timeout", "20");
        try (serve) {
            assertEquals(Duration.ofSeconds(20), serve.server().drain().timeout(),
                    "--drain-timeout reached the server");
            Client client = new Client();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(serve.ws("asr"), client)
                    .get(10, TimeUnit.SECONDS);
            client.configured.get(10, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(new byte[32_000]), true).get(10, TimeUnit.SECONDS);

            Thread shutdown = new Thread(serve.command()::drainOnExit, "as-on-sigterm");
            shutdown.start();
            assertEquals(1001, client.closed.get(60, TimeUnit.SECONDS), "the client is told to reconnect elsewhere");
            assertEquals(0, serve.awaitExit(Duration.ofSeconds(60)), serve.log());
            shutdown.join(60_000);
            assertTrue(!shutdown.isAlive(), "the shutdown path returns once the command closed everything");
            assertTrue(serve.log().contains("shutting down: draining for at most 20.0 s"), serve.log());
            assertTrue(serve.log().contains("drained: 1 session(s) finished, 0 closed at the deadline"), serve.log());
        }
    }

    @Test
    void anAdminDrainEndsTheCommandWithExitCodeZero() throws Exception {
        try (BackgroundServe serve = BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0",
                "--threads", "1", "--language", "en", "--drain-timeout", "2.5s")) {
            assertEquals(Duration.ofMillis(2500), serve.server().drain().timeout());
            assertEquals(200, serve.get("/health/ready").statusCode());
            HttpResponse<String> drain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    serve.http("admin/drain")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, drain.statusCode(), drain.body());
            Drain.Outcome outcome = serve.server().drain().finished().get(60, TimeUnit.SECONDS);
            assertEquals(new Drain.Outcome(0, 0), outcome);
            assertEquals(0, serve.awaitExit(Duration.ofSeconds(60)), serve.log());
            Await.until(Duration.ofSeconds(5), () -> serve.log().contains("drained: 0 session(s)"), serve::log);
        }
    }

    @Test
    void badDrainTimeoutsAreRefusedWithTheirReason() {
        String model = MODEL.path().toString();
        for (String bad : new String[] {"abc", "0", "-5", "7200", "NaN", ""}) {
            CliRun run = CliRun.of("serve", "--model-path", model, "--drain-timeout", bad);
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains("--drain-timeout must be a number of seconds from 0.001 to 3600")
                    && run.err().contains("'" + bad + "'"), run.err());
        }
    }
}
