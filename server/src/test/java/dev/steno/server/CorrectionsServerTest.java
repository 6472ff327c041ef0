package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.transcript.Word;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Term corrections on {@code /asr}: the server-wide file for everyone, a named set per session, bad names refused. */
class CorrectionsServerTest {
    @TempDir
    static Path dir;
    static ServerFixture fx;

    /** Hears "we run cubernetes" in any second or more of audio, at the same times each call, so it is committed. */
    static final class ScriptedRecognizer implements SpeechRecognizer {
        @Override
        public Recognition transcribe(RecognitionRequest request) {
            if (request.audio().length < 16000) {
                return new Recognition(List.of(), Optional.of("en"));
            }
            List<Word> words = List.of(new Word(" we", 0.1, 0.3, 0.9), new Word(" run", 0.3, 0.6, 0.9),
                    new Word(" cubernetes.", 0.6, 1.0, 0.9));
            return new Recognition(List.of(new Segment(0.1, 1.0, " we run cubernetes.", words)), Optional.of("en"));
        }

        @Override
        public String backendName() {
            return "scripted";
        }

        @Override
        public boolean multilingual() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path standard = Files.writeString(dir.resolve("terms.txt"), "run => deploy\n");
        Path sets = Files.createDirectory(dir.resolve("sets"));
        Files.writeString(sets.resolve("tech.txt"), "# cluster words\ncubernetes => Kubernetes\n");
        CorrectionSets corrections = CorrectionSets.open(standard, sets, Duration.ofSeconds(2), System::nanoTime);
        fx = ServerFixture.over(new TranscriptionService(
                TestStreams.localAgreement(new ScriptedRecognizer(), 4, corrections)));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static String finalText(String query) throws Exception {
        try (WsClient c = WsClient.connect(fx.ws(query))) {
            c.stream(new byte[2 * 32000], 6400);
            c.readyToStop.get(30, TimeUnit.SECONDS);
            List<JsonNode> updates = c.updates();
            StringBuilder text = new StringBuilder();
            for (JsonNode line : updates.getLast().get("lines")) {
                text.append(line.get("text").asText());
            }
            return text.toString().strip();
        }
    }

    @Test
    void everySessionGetsTheServerWideCorrections() throws Exception {
        assertEquals("we deploy cubernetes.", finalText(""));
    }

    @Test
    void aSessionNamesItsSetInTheQuery() throws Exception {
        assertEquals("we deploy Kubernetes.", finalText("corrections=tech"));
    }

    @Test
    void uploadsGetTheServerWideCorrections() throws Exception {
        byte[] wav = Files.readAllBytes(SharedFixtures.file("audio/jfk.wav"));
        String boundary = "----steno" + System.nanoTime();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(fx.http(
                        "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(HttpEndpointsTest.multipart(boundary,
                        Map.of("model", "whisper-1", "response_format", "text"), "jfk.wav", wav))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("we deploy cubernetes.", r.body().strip());
    }

    @Test
    void unknownOrPathLikeSetNamesAreClosedWith4400() throws Exception {
        for (String name : List.of("nope", "..%2Fterms")) {
            try (WsClient c = WsClient.connect(fx.ws("corrections=" + name))) {
                assertEquals(4400, c.closeCode.get(10, TimeUnit.SECONDS), name);
                String error = c.messages.get(0).get("error").asText();
                assertTrue(error.contains("corrections set"), error);
            }
        }
    }
}
