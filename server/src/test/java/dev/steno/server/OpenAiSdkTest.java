package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.testing.TestStreams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's official Node SDK (npm package {@code openai}, pinned to {@value #SDK_VERSION}) against a real server:
 * models, a verbose transcription with word and segment times, a streamed one, a translation and three errors, each
 * as the SDK's own types read them ({@code src/test/openai/openai-client.mjs}). Needs Node.js with npm and the npm
 * registry once: the SDK is kept in {@code target/openai-sdk}. Without node and npm the test fails under
 * {@code CI=true} and is skipped elsewhere.
 */
@Tag(SystemPrograms.TAG)
class OpenAiSdkTest {
    static final String SDK_VERSION = "7.55.0";
    private static final Path SDK_DIR = Path.of("target", "openai-sdk");
    private static final Path SCRIPT = Path.of("src", "test", "openai", "openai-client.mjs");

    @Test
    void theOfficialSdkReadsEveryAnswer() throws Exception {
        SystemPrograms.requireOnPath("nodejs npm (for the npm package openai@" + SDK_VERSION + ")", "node", "npm");
        installSdk();
        Files.copy(SCRIPT, SDK_DIR.resolve(SCRIPT.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        JsonNode out;
        try (ServerFixture fx = ServerFixture.over(new TranscriptionService(TestStreams.localAgreement(
                new TranslatingBurstRecognizer(), 4), null, OpenAiApiTest.MODEL),
                ServerConfig.defaults().withApiToken(OpenAiApiTest.TOKEN))) {
            String baseUrl = "http://127.0.0.1:" + fx.server.port() + "/v1";
            String printed = ChildProcesses.run(new ProcessBuilder("node", SCRIPT.getFileName().toString(), baseUrl,
                    OpenAiApiTest.TOKEN, SharedFixtures.file("audio/jfk.wav").toAbsolutePath().toString())
                    .directory(SDK_DIR.toFile()), 120);
            out = new ObjectMapper().readTree(printed.strip().lines().toList().getLast());
        }

        List<String> ids = new ArrayList<>();
        out.get("models").forEach(m -> ids.add(m.get("id").asText()));
        assertEquals(List.of("ggml-test.bin", "whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"), ids);
        assertEquals("steno", out.get("model").get("owned_by").asText());

        JsonNode verbose = out.get("verbose");
        assertEquals(11.0, verbose.get("duration").asDouble(), 0.01);
        assertTrue(verbose.get("segments").size() > 0 && verbose.get("words").size() > 3, verbose.toString());
        assertTrue(verbose.get("text").asText().startsWith("z"), verbose.toString());

        JsonNode events = out.get("events");
        JsonNode done = events.get(events.size() - 1);
        assertEquals("transcript.text.done", done.get("type").asText(), events.toString());
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < events.size() - 1; i++) {
            assertEquals("transcript.text.delta", events.get(i).get("type").asText(), events.toString());
            deltas.append(events.get(i).get("delta").asText());
        }
        assertTrue(events.size() > 3, events.toString());
        assertEquals(done.get("text").asText(), deltas.toString());

        for (String word : out.get("translation").get("text").asText().split(" ")) {
            assertTrue(word.startsWith(TranslatingBurstRecognizer.MARK), out.get("translation").toString());
        }

        JsonNode badToken = out.get("badToken");
        assertEquals("AuthenticationError", badToken.get("name").asText(), badToken.toString());
        assertEquals(401, badToken.get("status").asInt());
        assertEquals("invalid_api_key", badToken.get("code").asText());
        assertTrue(badToken.get("message").asText().contains("invalid or missing token"), badToken.toString());
        JsonNode unknown = out.get("unknownModel");
        assertEquals("NotFoundError", unknown.get("name").asText(), unknown.toString());
        assertEquals("model_not_found", unknown.get("code").asText());
        JsonNode badFormat = out.get("badFormat");
        assertEquals("BadRequestError", badFormat.get("name").asText(), badFormat.toString());
        assertEquals("response_format", badFormat.get("param").asText());
        assertEquals("invalid_request_error", badFormat.get("type").asText());
    }

    /** Installs the pinned SDK into {@code target/openai-sdk} unless it is there already; quiet unless npm fails. */
    private static void installSdk() throws Exception {
        Path installed = SDK_DIR.resolve(Path.of("node_modules", "openai", "package.json"));
        if (Files.isRegularFile(installed)
                && Files.readString(installed, StandardCharsets.UTF_8).contains("\"version\": \"" + SDK_VERSION + "\"")) {
            return;
        }
        Files.createDirectories(SDK_DIR);
        Files.writeString(SDK_DIR.resolve("package.json"), "{\"name\":\"steno-openai-sdk-test\",\"private\":true,"
                + "\"type\":\"module\"}\n", StandardCharsets.UTF_8);
        ChildProcesses.run(new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                "openai@" + SDK_VERSION).directory(SDK_DIR.toFile()), 300);
    }
}
