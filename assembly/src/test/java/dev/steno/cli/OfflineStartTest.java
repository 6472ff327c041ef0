package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.model.ModelStore;
import dev.steno.engine.testing.IsolatedJvm;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user with only a Whisper model file and no network: {@code transcribe} and {@code serve} start with voice
 * activity on and no VAD flag, because the default Silero model ships inside the jar. The model cache is an empty
 * folder and stays empty, so nothing was downloaded (a download would land there, or fail without network).
 */
class OfflineStartTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 5);
    @TempDir
    static Path dir;

    @Test
    void transcribeNeedsOnlyTheModelFile() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache-transcribe"));
        CliRun run = CliRun.of("transcribe", SharedFixtures.file("audio/jfk.wav").toString(),
                "--model-path", MODEL.path().toString(), "--model-dir", cache.toString(), "--language", "en",
                "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("voice activity controller: Silero bundled silero_vad_v6.2.onnx"), run.err());
        assertTrue(run.out().contains("\"words\""), run.out());
        assertEquals(List.of(), list(cache), "nothing downloaded into the cache");
    }

    @Test
    void aFreshProcessWithTheModelStoreOnAnUnreachableUrlTranscribes() throws Exception {
        // a JVM of its own, so that the environment is a user's: the model store's base URL points at a port where
        // nothing listens (every download would fail), and the default cache folder is empty
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(dir.resolve("cache-env"));
        IsolatedJvm.Result r = IsolatedJvm.run(Steno.class, entry -> true,
                Map.of(ModelStore.ENV_BASE_URL, "http://127.0.0.1:9/unreachable/", ModelStore.ENV_MODEL_DIR, cache.toString(),
                        "HOME", home.toString()),
                Duration.ofMinutes(3), "transcribe", SharedFixtures.file("audio/jfk.wav").toString(),
                "--model-path", MODEL.path().toString(), "--language", "en", "--format", "txt");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("voice activity controller: Silero bundled silero_vad_v6.2.onnx"), r.output());
        assertTrue(r.output().contains("words committed"), r.output());
        assertEquals(List.of(), list(cache), "nothing downloaded into the cache");
    }

    @Test
    void serveNeedsOnlyTheModelFile() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache-serve"));
        try (BackgroundServe serve = BackgroundServe.start("--port", "0", "--model-path", MODEL.path().toString(),
                "--model-dir", cache.toString(), "--threads", "1", "--language", "en")) {
            HttpResponse<String> r = serve.get("/health");
            assertEquals(200, r.statusCode(), r.body());
            String log = serve.log();
            assertTrue(log.contains("voice activity controller on (Silero bundled silero_vad_v6.2.onnx)"), log);
            assertEquals(List.of(), list(cache), "nothing downloaded into the cache");
        }
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }
}
