package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.scoring.DiarizationScore;
import dev.steno.engine.diarization.scoring.DiarizationScorer;
import dev.steno.engine.diarization.scoring.Rttm;
import dev.steno.engine.diarization.scoring.RttmTurn;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno diarize}: the weight-free baseline on the synthetic two-voice dialogue, and bad input. */
class DiarizeCommandTest {
    @TempDir
    static Path dir;
    static Path dialogue;
    static List<RttmTurn> reference;

    @BeforeAll
    static void load() throws Exception {
        dialogue = SharedFixtures.file("audio/synthetic/dialogue-a.wav");
        reference = Rttm.read(SharedFixtures.file("audio/synthetic/dialogue-a.rttm"));
    }

    /** Runs diarize and checks it succeeded with the figures on standard error. */
    private static CliRun diarize(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("baseline diarizer: audio "), run.err());
        assertTrue(run.err().contains("coverage latency median "), run.err());
        assertTrue(run.err().contains("ms per audio second"), run.err());
        return run;
    }

    private static DiarizationScore score(List<RttmTurn> system) {
        return DiarizationScorer.withCollar(DiarizationScorer.DEFAULT_COLLAR).score(reference, system, null);
    }

    @Test
    void findsTheTwoVoicesOfTheDialogue() {
        CliRun run = diarize("diarize", dialogue.toString());
        List<RttmTurn> turns = Rttm.parse(run.out());
        assertFalse(turns.isEmpty(), run.toString());
        List<String> speakers = turns.stream().map(RttmTurn::speaker).distinct().toList();
        assertTrue(speakers.size() >= 2 && speakers.size() <= 3, "2-3 speakers: " + run.out());
        // named 1..N in order of appearance, with the file's name as the recording id
        for (int i = 0; i < speakers.size(); i++) {
            assertEquals(Integer.toString(i + 1), speakers.get(i), run.out());
        }
        assertTrue(turns.stream().allMatch(t -> t.file().equals("dialogue-a")), run.out());
        for (String line : run.out().split("\n")) {
            assertTrue(line.matches("SPEAKER dialogue-a 1 \\d+\\.\\d{3} \\d+\\.\\d{3} <NA> <NA> \\d+ <NA> <NA>"), line);
        }
        assertNoTouchingTurnsOfOneSpeaker(turns);
        double der = score(turns).der();
        assertTrue(der <= 0.05, "DER " + der + " of\n" + run.out());
        assertTrue(run.err().contains(speakers.size() + " speaker(s) found"), run.err());
    }

    /** Turns of one speaker that touch or overlap are joined, so none remain. */
    private static void assertNoTouchingTurnsOfOneSpeaker(List<RttmTurn> turns) {
        Map<String, List<RttmTurn>> bySpeaker = turns.stream().collect(Collectors.groupingBy(RttmTurn::speaker));
        for (List<RttmTurn> own : bySpeaker.values()) {
            for (int i = 1; i < own.size(); i++) {
                assertTrue(own.get(i).start() > own.get(i - 1).end(), "joined where touching: " + own);
            }
        }
    }

    @Test
    void writesTheSameTurnsToAFile() throws Exception {
        Path out = dir.resolve("dialogue.rttm");
        CliRun toFile = diarize("diarize", dialogue.toString(), "--rttm", out.toString());
        assertEquals("", toFile.out());
        assertTrue(toFile.err().contains("written to " + out), toFile.err());
        CliRun toStdout = diarize("diarize", dialogue.toString());
        assertEquals(toStdout.out(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void eightKilohertzAudioStillFindsTheTurns() throws Exception {
        float[] at8k = WavReader.read(dialogue).resampledTo(8000).samples();
        Path narrow = TestWav.write(dir.resolve("dialogue-a.wav"), at8k, 8000);
        CliRun run = diarize("diarize", narrow.toString(), "--max-speakers", "4");
        List<RttmTurn> turns = Rttm.parse(run.out());
        long speakers = turns.stream().map(RttmTurn::speaker).distinct().count();
        assertTrue(speakers >= 2 && speakers <= 3, run.out());
        double der = score(turns).der();
        assertTrue(der <= 0.10, "DER " + der + " at 8 kHz:\n" + run.out());
    }

    @Test
    void aRecordingWithNoSamplesHasNoTurns() throws Exception {
        Path empty = TestWav.write(dir.resolve("nothing.wav"), new float[0], 16000);
        CliRun run = diarize("diarize", empty.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("audio 0.00 s, 0 speaker(s) found"), run.err());
    }

    @Test
    void badFilesAreOneClearLineAndExitCodeTwo() throws Exception {
        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "hello, this is not audio at all\n", StandardCharsets.UTF_8);
        assertOneLineFailure(CliRun.of("diarize", text.toString()), "notes.wav", "not a wav file");
        assertOneLineFailure(CliRun.of("diarize", dir.resolve("absent.wav").toString()), "no such file",
                "absent.wav");
        assertOneLineFailure(CliRun.of("diarize", Files.createFile(dir.resolve("zero-bytes.wav")).toString()),
                "zero-bytes.wav");
    }

    private static void assertOneLineFailure(CliRun run, String... fragments) {
        assertEquals(DiarizeCommand.BAD_INPUT, run.exitCode(), run.toString());
        assertEquals("", run.out());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("steno: error: "), err);
        for (String f : fragments) {
            assertTrue(err.toLowerCase().contains(f.toLowerCase()), "'" + f + "' in " + err);
        }
    }

    @Test
    void aBackendThatCannotOpenFailsClearly() {
        CliRun run = CliRun.of("diarize", dialogue.toString(), "--diarization-backend", "sortformer");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--sortformer-model-path"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }
}
