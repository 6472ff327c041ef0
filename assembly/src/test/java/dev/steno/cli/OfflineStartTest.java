package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A user with only a Whisper model file and no network: {@code transcribe} and {@code serve} start with voice
 * activity on and no VAD flag, because the default Silero model ships inside the jar. The model cache is an empty
 * folder and stays empty, so nothing was downloaded (a download would land there, or fail without network).
 */
class OfflineStartTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void generateModel() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 5);
    }

    @Test
    void transcribeNeedsOnlyTheModelFile() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache-transcribe"));
        CliRun run = CliRun.of("transcribe", SharedFixtures.file("audio/jfk.wav").toString(),
                "--model-path", model.toString(), "--model-dir", cache.toString(), "--language", "en",
                "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("voice activity controller: Silero bundled silero_vad_v6.2.onnx"), run.err());
        assertTrue(run.out().contains("\"words\""), run.out());
        assertEquals(List.of(), list(cache), "nothing downloaded into the cache");
    }

    @Test
    void serveNeedsOnlyTheModelFile() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache-serve"));
        ServeCommand serve = new ServeCommand();
        CommandLine cl = new CommandLine(serve);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        Thread t = new Thread(() -> cl.execute("--port", "0", "--model-path", model.toString(),
                "--model-dir", cache.toString(), "--threads", "1", "--language", "en"));
        t.setDaemon(true);
        t.start();
        try {
            assertTrue(serve.started.await(60, TimeUnit.SECONDS), "server started: " + err);
            URI health = serve.server.uri().resolve("/health");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            String log = err.toString();
            assertTrue(log.contains("voice activity controller on (Silero bundled silero_vad_v6.2.onnx)"), log);
            assertEquals(List.of(), list(cache), "nothing downloaded into the cache");
        } finally {
            t.interrupt();
            t.join(15_000);
        }
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }
}
