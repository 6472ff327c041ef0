package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.testing.TestStreams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Deepgram's official JavaScript SDK ({@code @deepgram/sdk}, pinned in {@code src/test/deepgram-sdk}) streams jfk.wav
 * at real time to {@code /v1/listen} with interim results, unmodified but for the server's address. Needs Node.js
 * and npm: under {@code CI=true} their absence fails the test; elsewhere it is skipped with a message.
 *
 * <p>The script also reports how long after a word's audio was sent its first interim and first final result
 * arrived; with the test recogniser those figures measure the protocol path and the streaming policy's agreement,
 * not a model, and they are printed, never asserted.
 */
@Tag(SystemPrograms.TAG)
class DeepgramSdkTest {
    private static final Path SCRIPT_DIR = Path.of("src", "test", "deepgram-sdk");
    private static final String KEY = "sdk-test-key";

    @Test
    void theOfficialJavaScriptSdkStreamsAFileAndReadsEveryMessage() throws Exception {
        SystemPrograms.requireOnPath("nodejs npm", "node", "npm");
        BrowserUiTest.run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), SCRIPT_DIR, 300);
        try (ServerFixture fx = ServerFixture.over(
                new TranscriptionService(TestStreams.localAgreement(new SpeechBurstRecognizer(), 4)),
                ServerConfig.defaults().withApiToken(KEY))) {
            String base = "ws://127.0.0.1:" + fx.server.port();
            String out = BrowserUiTest.run(List.of("node", "live.mjs", base, KEY,
                    SharedFixtures.file("audio/jfk.wav").toString()), SCRIPT_DIR, 120);
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> events = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("{")) {
                    events.add(json.readTree(line));
                }
            }
            assertTrue(events.stream().noneMatch(e -> e.path("event").asText().equals("error")), out);
            JsonNode summary = events.getLast();
            assertEquals("summary", summary.path("event").asText(), out);
            assertEquals(1000, summary.path("closeCode").asInt(), "closed cleanly: " + out);
            assertEquals(2, summary.path("metadata").asInt(), "Metadata at the open and the close: " + out);
            assertTrue(summary.path("interim").asInt() > 0, "interim results: " + out);
            assertTrue(summary.path("final").asInt() > 0, "final results: " + out);
            assertTrue(summary.path("finalText").asText().length() > 10, "final text: " + out);
            assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("Results")
                    && !e.path("is_final").asBoolean() && !e.path("transcript").asText().isEmpty()), out);
            assertTrue(events.stream().filter(e -> e.path("type").asText().equals("Results"))
                    .allMatch(e -> e.path("model").asText().equals("nova-3")), out);
            System.out.println("Deepgram SDK on jfk.wav at real time (test recogniser): first interim "
                    + summary.path("firstInterimMs") + " ms, first final " + summary.path("firstFinalMs")
                    + " ms after the audio of its last word was sent; " + summary.path("firstInterimAtMs") + " and "
                    + summary.path("firstFinalAtMs") + " ms after the first audio");
        }
    }
}
