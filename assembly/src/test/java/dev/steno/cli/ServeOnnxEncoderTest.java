package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steno transcribe} and {@code steno serve} with {@code --encoder onnx-int8}: SimulStreaming on the Java
 * decoder over an onnxruntime int8 encoder, end to end, the graph built once into the model cache folder.
 */
class ServeOnnxEncoderTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void generateModel() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("ggml-tiny-random.bin"), RandomGgmlWhisper.Config.TINY, 11);
    }

    @Test
    void transcribeWithTheInt8EncoderCommitsWordsAndCachesTheGraph() throws Exception {
        String jfk = SharedFixtures.file("audio/jfk.wav").toString();
        Path cache = dir.resolve("cache-transcribe");
        CliRun run = CliRun.of("transcribe", jfk, "--model-path", model.toString(), "--model-dir", cache.toString(),
                "--language", "en", "--format", "json", "--backend", "java", "--backend-policy", "simulstreaming",
                "--encoder", "onnx-int8", "--no-vac", "--quiet");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("simulstreaming policy"), run.err());
        JsonNode words = new ObjectMapper().readTree(run.out()).get("words");
        assertTrue(words.size() > 0, "random weights still produce some words: " + run);
        try (var graphs = Files.list(cache.resolve("onnx-encoder"))) {
            // graph folders; dot files are the cache's own bookkeeping (the model's remembered checksum)
            List<Path> built = graphs.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            assertEquals(1, built.size(), built.toString());
            assertTrue(built.get(0).getFileName().toString().contains("onnx-int8"), built.toString());
            assertTrue(Files.size(built.get(0).resolve("encoder.onnx.data")) > 4_000_000, "int8 weights");
        }
    }

    @Test
    void serveStreamsPcmThroughTheInt8EncoderOverTheAsrSocket() throws Exception {
        byte[] pcm = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples());
        try (BackgroundServe serve = BackgroundServe.start("--port", "0", "--model-path", model.toString(),
                "--model-dir", dir.resolve("cache-serve").toString(), "--language", "en", "--backend", "java",
                "--encoder", "onnx-int8", "--pcm-input", "--no-vac", "--threads", "1")) {
            List<JsonNode> messages = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> readyToStop = new CompletableFuture<>();
            ObjectMapper json = new ObjectMapper();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(serve.ws("asr"),
                    new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                try {
                                    JsonNode n = json.readTree(text.toString());
                                    messages.add(n);
                                    if (n.path("type").asText().equals("ready_to_stop")) {
                                        readyToStop.complete(null);
                                    }
                                } catch (Exception e) {
                                    readyToStop.completeExceptionally(e);
                                }
                                text.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            for (int off = 0; off < pcm.length; off += 16000) {
                ws.sendBinary(ByteBuffer.wrap(pcm, off, Math.min(16000, pcm.length - off)), true)
                        .get(10, TimeUnit.SECONDS);
            }
            ws.sendBinary(ByteBuffer.allocate(0), true).get(10, TimeUnit.SECONDS);
            readyToStop.get(120, TimeUnit.SECONDS);
            JsonNode last = null;
            for (JsonNode m : messages) {
                if (m.has("lines")) {
                    last = m;
                }
            }
            assertTrue(last != null && last.get("lines").size() > 0, "lines arrive: " + messages);
            assertFalse(last.get("lines").get(0).get("text").asText().isBlank(), last.toString());
            String log = serve.log();
            assertTrue(log.contains("onnx-int8"), "the log names the encoder: " + log);
        }
    }
}
