package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno transcribe} end to end with whisper.cpp on a random-weight model of the true tiny shape. */
class TranscribeCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void generateModel() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("ggml-tiny-random.bin"), RandomGgmlWhisper.Config.TINY, 11);
    }

    @Test
    void streamsJfkThroughWhisperCppAndLocalAgreement() throws Exception {
        String jfk = SharedFixtures.file("audio/jfk.wav").toString();
        CliRun run = CliRun.of("transcribe", jfk, "--model-path", model.toString(), "--language", "en",
                "--format", "json", "--vad-model-path", vad());
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        JsonNode words = root.get("words");
        assertTrue(words.size() > 0, "random weights still produce some words: " + run);
        double previousStart = 0;
        for (JsonNode w : words) {
            double start = w.get("start").asDouble();
            double end = w.get("end").asDouble();
            assertTrue(start >= previousStart - 1e-6, "committed words are in time order: " + run.out());
            assertTrue(start >= 0 && end >= start && end <= 11.01, "inside the 11 s recording: " + w);
            previousStart = start;
        }
        assertTrue(root.get("lines").size() > 0);
        assertTrue(run.err().contains("real-time factor"), run.err());
        assertTrue(run.err().contains("audio 11.00 s"), run.err());
        assertTrue(run.err().contains("commit latency per word: median"), run.err());
    }

    @Test
    void streamsADialogueThroughJavaWhisperAndSimulStreamingWithVoiceActivity() throws Exception {
        // utterance ends (finish with is_last) and pauses (window resets) happen between the turns
        String wav = SharedFixtures.file("audio/synthetic/dialogue-a.wav").toString();
        CliRun run = CliRun.of("transcribe", wav, "--model-path", model.toString(), "--language", "en",
                "--format", "json", "--backend", "java", "--backend-policy", "simulstreaming",
                "--vad-model-path", vad(), "--frame-threshold", "20", "--audio-max-len", "8",
                "--static-init-prompt", "Kennedy", "--quiet");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("simulstreaming policy"), run.err());
        assertWordsInOrder(run, 30);
    }

    /** The JSON transcript has words, each starting after the previous one ended and ending by {@code maxEnd}. */
    private static void assertWordsInOrder(CliRun run, double maxEnd) throws Exception {
        JsonNode words = new ObjectMapper().readTree(run.out()).get("words");
        assertTrue(words.size() > 0, "random weights still produce some words: " + run);
        double previousEnd = 0;
        for (JsonNode w : words) {
            double start = w.get("start").asDouble();
            double end = w.get("end").asDouble();
            assertTrue(start >= previousEnd - 1e-6 && end >= start && end <= maxEnd, "monotone times: " + run.out());
            previousEnd = end;
        }
    }

    @Test
    void simulStreamingSearchesWithBeamsByDefaultOnTheJavaBackend() throws Exception {
        String jfk = SharedFixtures.file("audio/jfk.wav").toString();
        CliRun run = CliRun.of("transcribe", jfk, "--model-path", model.toString(), "--language", "en",
                "--format", "json", "--beams", "3", "--no-vac", "--quiet");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("simulstreaming (3 beams) policy"), run.err());
        assertWordsInOrder(run, 11.2);
    }

    static String vad() {
        return SharedFixtures.file("models/silero/silero_vad_v6.onnx").toString();
    }

    /** Turns of dialogue-a.rttm (seconds); each runs about 0.35 s past its voice. */
    static final double[][] TURNS = {{0.5, 4.753}, {5.353, 10.158}, {10.758, 15.062}, {15.662, 20.034},
        {20.634, 24.798}};

    @Test
    void voiceActivityKeepsLinesInsideTurns() throws Exception {
        String wav = SharedFixtures.file("audio/synthetic/dialogue-a.wav").toString();
        CliRun run = CliRun.of("transcribe", wav, "--model-path", model.toString(), "--language", "en",
                "--format", "json", "--vad-model-path", vad(), "--shrink-encoder-window", "--no-temperature-fallback",
                "--quiet");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("voice activity controller: Silero"), run.err());
        JsonNode lines = new ObjectMapper().readTree(run.out()).get("lines");
        for (JsonNode line : lines) {
            if (line.get("speaker").asInt() == -2) {
                continue;
            }
            double start = line.get("start").asDouble();
            double end = line.get("end").asDouble();
            int turns = 0;
            for (double[] t : TURNS) {
                // an utterance opens with up to 1 s of pre-roll, and the reference turns overrun the voice
                if (end > t[0] + 0.4 && start < t[1] - 0.4) {
                    turns++;
                }
            }
            assertTrue(turns <= 1, "line " + line + " spans " + turns + " turns");
        }
    }

    @Test
    void javaBackendRunsTheSamePipeline() throws Exception {
        String wav = SharedFixtures.file("audio/librispeech/7902-96591-0000.wav").toString();
        CliRun run = CliRun.of("transcribe", wav, "--model-path", model.toString(), "--language", "en",
                "--backend", "java", "--format", "json", "--no-vac", "--shrink-encoder-window", "--quiet",
                "--no-temperature-fallback"); // the random model loops: fallback would retry every call
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("java backend"), run.err());
        JsonNode words = new ObjectMapper().readTree(run.out()).get("words");
        assertTrue(words.size() > 0, run.out());
        for (JsonNode w : words) {
            assertTrue(w.get("end").asDouble() <= 2.1, w.toString());
        }
    }

    @Test
    void writesSubtitlesToAFile() throws Exception {
        Path out = dir.resolve("libri.srt");
        String wav = SharedFixtures.file("audio/librispeech/7902-96591-0000.wav").toString();
        CliRun run = CliRun.of("transcribe", wav, "--model-path", model.toString(), "--language", "en",
                "--format", "srt", "-o", out.toString(), "--min-chunk-size", "0.5", "--shrink-encoder-window",
                "--no-temperature-fallback", "--quiet", "--no-vac");
        assertEquals(0, run.exitCode(), run.toString());
        String srt = Files.readString(out);
        assertTrue(srt.startsWith("1\n00:00:0"), srt);
        assertTrue(srt.matches("(?s)1\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\n.+"), srt);
        assertTrue(run.out().isEmpty(), "the transcript went to the file: " + run.out());
    }

    @Test
    void resamplesFloatInput() throws Exception {
        // an AMI excerpt is 32-bit float; cut to its first seconds by the reader would be nicer, but 30 s is fine
        String ami = SharedFixtures.file("audio/ami/dev00.wav").toString();
        CliRun run = CliRun.of("transcribe", ami, "--model-path", model.toString(), "--language", "en",
                "--format", "txt", "--min-chunk-size", "3", "--shrink-encoder-window", "--no-temperature-fallback",
                "--quiet", "--vad-model-path", vad());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("audio 30.00 s"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }
}
