package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno serve} starts, reports where it listens, serves /health, and reads flags from a config file. */
class ServeCommandTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
    @TempDir
    static Path dir;

    @Test
    void startsAndAnswersHealthWithFlagsFromAConfigFile() throws Exception {
        Path config = Files.writeString(dir.resolve("steno.properties"),
                "port=0\nmax-sessions=3\nlanguage=en\nmodel-path=" + MODEL.path() + "\nvad-model-path="
                        + SharedFixtures.file("models/silero/silero_vad_v6.onnx") + "\n");
        try (BackgroundServe serve = BackgroundServe.start("--config", config.toString(), "--threads", "1")) {
            assertEquals(3, serve.command().maxSessions, "max-sessions came from the config file");
            assertEquals(200, serve.get("/health").statusCode());
            String log = serve.log();
            assertTrue(log.contains("open http://localhost:" + serve.server().port() + "/"), log);
            assertTrue(log.contains("ggml-micro.bin"), log);
            assertTrue(log.contains("voice activity controller on"), log);
        }
    }

    @Test
    void badFlagsAreExplained() {
        CliRun missing = CliRun.of("serve", "--config", dir.resolve("absent.properties").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("absent.properties"), missing.err());
        String model = MODEL.path().toString();
        CliRun tlsHalf = CliRun.of("serve", "--model-path", model, "--ssl-certfile", "cert.pem", "--port", "0");
        assertEquals(1, tlsHalf.exitCode(), tlsHalf.toString());
        assertTrue(tlsHalf.err().contains("--ssl-keyfile"), tlsHalf.err());
        CliRun sessions = CliRun.of("serve", "--model-path", model, "--max-sessions", "0");
        assertEquals(2, sessions.exitCode());
    }
}
