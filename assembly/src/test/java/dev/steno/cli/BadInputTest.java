package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage in gives one clear line, a non-zero exit and no stack trace. */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path model;
    static String jfk;

    @BeforeAll
    static void setUp() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("micro.bin"), RandomGgmlWhisper.Config.MICRO, 3);
        jfk = SharedFixtures.file("audio/jfk.wav").toString();
    }

    private static void assertCleanFailure(CliRun run, int code, String... fragments) {
        assertEquals(code, run.exitCode(), run.toString());
        for (String f : fragments) {
            assertTrue(run.err().toLowerCase().contains(f.toLowerCase()), "'" + f + "' in:\n" + run.err());
        }
        assertFalse(run.err().contains("\tat "), "no stack trace by default:\n" + run.err());
        assertFalse(run.err().contains("Exception"), "no exception class names:\n" + run.err());
    }

    @Test
    void emptyAudioFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.wav"));
        assertCleanFailure(CliRun.of("transcribe", empty.toString(), "--model-path", model.toString()), 1,
                "empty.wav", "empty");
    }

    @Test
    void audioThatIsNotWav() throws Exception {
        Path mp3 = dir.resolve("song.wav");
        Files.write(mp3, new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertCleanFailure(CliRun.of("transcribe", mp3.toString(), "--model-path", model.toString()), 1, "song.wav");
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, this is not audio at all\n", StandardCharsets.UTF_8);
        assertCleanFailure(CliRun.of("transcribe", text.toString(), "--model-path", model.toString()), 1,
                "notes.txt", "wav");
    }

    @Test
    void missingAudioFile() {
        assertCleanFailure(CliRun.of("transcribe", dir.resolve("nope.wav").toString(), "--model-path",
                model.toString()), 1, "nope.wav");
    }

    @Test
    void modelWithWrongMagic() throws Exception {
        Path html = dir.resolve("ggml-base.bin");
        Files.writeString(html, "<!DOCTYPE html><html><body>Not found</body></html>", StandardCharsets.UTF_8);
        assertCleanFailure(CliRun.of("transcribe", jfk, "--model-path", html.toString()), 1, "ggml-base.bin",
                "not a ggml whisper model");
    }

    @Test
    void truncatedModel() throws Exception {
        Path cut = RandomGgmlWhisper.truncatedCopy(model, dir.resolve("cut.bin"), Files.size(model) - 1000);
        assertCleanFailure(CliRun.of("transcribe", jfk, "--model-path", cut.toString()), 1, "cut.bin", "truncated");
    }

    @Test
    void emptyModel() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty-model.bin"));
        assertCleanFailure(CliRun.of("transcribe", jfk, "--model-path", empty.toString()), 1, "empty-model.bin");
    }

    @Test
    void missingModelPath() {
        assertCleanFailure(CliRun.of("transcribe", jfk, "--model-path", dir.resolve("absent.bin").toString()), 1,
                "absent.bin", "no such file");
    }

    @Test
    void badFlags() {
        assertCleanFailure(CliRun.of("transcribe", jfk, "--no-such-flag"), 2, "--no-such-flag");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--format", "docx", "--model-path", model.toString()), 1,
                "docx", "srt");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--language", "xx", "--model-path", model.toString()), 1,
                "unknown language 'xx'");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--min-chunk-size", "abc"), 2, "abc");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--min-chunk-size", "-1", "--model-path", model.toString()),
                2, "--min-chunk-size");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--backend-policy", "magic", "--model-path",
                model.toString()), 2, "magic");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--batch-streams", "0", "--model-path", model.toString()), 2,
                "--batch-streams must be 1 to 64");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--batch-streams", "many"), 2, "many");
        assertCleanFailure(CliRun.of("transcribe"), 2, "FILE");
    }

    @Test
    void encoderFlagsAreCheckedBeforeAnyWork() {
        assertCleanFailure(CliRun.of("transcribe", jfk, "--encoder", "tpu", "--model-path", model.toString()), 2,
                "encoder 'tpu' is not one of java");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--encoder", "onnx", "--backend", "whisper.cpp",
                "--model-path", model.toString()), 2, "--encoder onnx needs --backend java");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--encoder", "onnx", "--encoder-device", "cuda:x",
                "--model-path", model.toString()), 2, "encoder device 'cuda:x' is not one of cpu, cuda, cuda:N");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--encoder-device", "cuda", "--model-path",
                model.toString()), 2, "needs --encoder onnx");
    }

    @Test
    void simulStreamingNeedsTheJavaBackendAndSaneKnobs() {
        assertCleanFailure(CliRun.of("transcribe", jfk, "--backend-policy", "simulstreaming", "--backend",
                "whisper.cpp", "--model-path", model.toString()), 2, "needs --backend java");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--backend-policy", "simulstreaming", "--backend", "java",
                "--beams", "17", "--model-path", model.toString()), 2, "--beams must be 1..16, was 17");
        assertCleanFailure(CliRun.of("transcribe", jfk, "--backend-policy", "simulstreaming", "--backend", "java",
                "--audio-max-len", "45", "--model-path", model.toString()), 2, "--audio-max-len");
    }

    @Test
    void unknownModelName() {
        assertCleanFailure(CliRun.of("transcribe", jfk, "--model", "gigantic"), 1, "gigantic", "tiny");
    }

    @Test
    void helpExplainsTheFlags() {
        CliRun run = CliRun.of("transcribe", "--help");
        assertEquals(0, run.exitCode());
        for (String flag : new String[] {"--model", "--model-path", "--language", "--backend-policy",
                "--min-chunk-size", "--buffer-trimming", "--buffer-trimming-sec", "--confidence-validation",
                "--realtime", "--format"}) {
            assertTrue(run.out().contains(flag), flag + " in help:\n" + run.out());
        }
    }
}
