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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code steno serve} starts, reports where it listens, serves /health, and reads flags from a config file. */
class ServeCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void generateModel() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 9);
    }

    @Test
    void startsAndAnswersHealthWithFlagsFromAConfigFile() throws Exception {
        Path config = Files.writeString(dir.resolve("steno.properties"),
                "port=0\nmax-sessions=3\nlanguage=en\nmodel-path=" + model + "\nvad-model-path="
                        + dev.steno.engine.testing.SharedFixtures.file("models/silero/silero_vad_v6.onnx") + "\n");
        ServeCommand serve = new ServeCommand();
        CommandLine cl = new CommandLine(serve);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setDefaultValueProvider(ServeCommand.configDefaults(new String[] {"serve", "--config", config.toString()}));
        Thread t = new Thread(() -> cl.execute("--config", config.toString(), "--threads", "1"));
        t.setDaemon(true);
        t.start();
        try {
            assertTrue(serve.started.await(60, TimeUnit.SECONDS), "server started: " + err);
            assertEquals(3, serve.maxSessions, "max-sessions came from the config file");
            URI health = serve.server.uri().resolve("/health");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String log = err.toString();
            assertTrue(log.contains("open http://localhost:" + serve.server.port() + "/"), log);
            assertTrue(log.contains("ggml-micro.bin"), log);
            assertTrue(log.contains("voice activity controller on"), log);
        } finally {
            t.interrupt();
            t.join(15_000);
        }
    }

    @Test
    void badFlagsAreExplained() {
        CliRun missing = CliRun.of("serve", "--config", dir.resolve("absent.properties").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("absent.properties"), missing.err());
        CliRun tlsHalf = CliRun.of("serve", "--model-path", model.toString(), "--ssl-certfile", "cert.pem", "--port", "0");
        assertEquals(1, tlsHalf.exitCode(), tlsHalf.toString());
        assertTrue(tlsHalf.err().contains("--ssl-keyfile"), tlsHalf.err());
        CliRun sessions = CliRun.of("serve", "--model-path", model.toString(), "--max-sessions", "0");
        assertEquals(2, sessions.exitCode());
    }
}
