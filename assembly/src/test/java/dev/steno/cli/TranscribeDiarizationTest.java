package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.diarization.scoring.Rttm;
import dev.steno.engine.diarization.scoring.RttmTurn;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steno transcribe --diarization} on the two-voice dialogue with a random-weight model: the words are
 * gibberish, but they fall inside the turns, so the lines and their speakers are real.
 */
class TranscribeDiarizationTest {
    @TempDir
    static Path dir;
    static Path model;
    static String wav;

    @BeforeAll
    static void setUp() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("ggml-tiny-random.bin"), RandomGgmlWhisper.Config.TINY, 11);
        wav = SharedFixtures.file("audio/synthetic/dialogue-a.wav").toString();
    }

    private static CliRun transcribe(String format, boolean diarization) {
        List<String> args = new ArrayList<>(List.of("transcribe", wav, "--model-path", model.toString(),
                "--language", "en", "--format", format, "--vad-model-path", TranscribeCommandTest.vad(),
                "--shrink-encoder-window", "--no-temperature-fallback", "--quiet"));
        if (diarization) {
            args.add("--diarization");
        }
        return CliRun.of(args.toArray(String[]::new));
    }

    private static CliRun diarized(String format) {
        CliRun run = transcribe(format, true);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("speaker diarization: baseline"), run.err());
        return run;
    }

    @Test
    void jsonLinesCarryTwoOrMoreSpeakers() throws Exception {
        CliRun run = diarized("json");
        Set<Integer> speakers = new HashSet<>();
        for (JsonNode line : new ObjectMapper().readTree(run.out()).get("lines")) {
            int speaker = line.get("speaker").asInt();
            assertTrue(speaker == -2 || speaker >= 1, "a known speaker or silence: " + line);
            if (speaker >= 1) {
                speakers.add(speaker);
            }
        }
        assertTrue(speakers.size() >= 2, run.out());
        assertTrue(run.err().contains(speakers.size() + " speaker(s) in the transcript"), run.err());
    }

    @Test
    void vttCuesHaveVoiceTags() {
        CliRun run = diarized("vtt");
        assertTrue(run.out().startsWith("WEBVTT\n\n"), run.out());
        Set<String> voices = new HashSet<>();
        Matcher m = Pattern.compile("(?m)^<v (Speaker \\d+)>").matcher(run.out());
        while (m.find()) {
            voices.add(m.group(1));
        }
        assertTrue(voices.size() >= 2, run.out());
        long cues = run.out().lines().filter(l -> l.contains(" --> ")).count();
        assertEquals(cues, run.out().lines().filter(l -> l.startsWith("<v Speaker ")).count(), "every cue: " + run.out());
    }

    @Test
    void txtLinesStartWithTheirSpeaker() {
        CliRun run = diarized("txt");
        Set<String> speakers = new HashSet<>();
        for (String line : run.out().lines().toList()) {
            Matcher m = Pattern.compile("^(Speaker \\d+): ").matcher(line);
            assertTrue(m.find(), "labelled: " + line);
            speakers.add(m.group(1));
        }
        assertTrue(speakers.size() >= 2, run.out());
    }

    @Test
    void rttmHasTheSpeakerTurnsOfTheLines() {
        CliRun run = diarized("rttm");
        List<RttmTurn> turns = Rttm.parse(run.out());
        assertFalse(turns.isEmpty(), run.toString());
        for (String line : run.out().split("\n")) {
            assertTrue(line.matches("SPEAKER dialogue-a 1 \\d+\\.\\d{3} \\d+\\.\\d{3} <NA> <NA> \\d+ <NA> <NA>"), line);
        }
        assertTrue(turns.stream().map(RttmTurn::speaker).distinct().count() >= 2, run.out());
        assertTrue(turns.stream().allMatch(t -> t.duration() > 0 && t.end() <= 25.5), run.out());
    }

    @Test
    void rttmNeedsDiarization() {
        CliRun run = CliRun.of("transcribe", wav, "--model-path", model.toString(), "--format", "rttm");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--format rttm writes speaker turns: it needs --diarization"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void withoutDiarizationLinesHaveNoSpeaker() {
        CliRun run = transcribe("txt", false);
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.out().isBlank(), run.toString());
        assertFalse(run.out().contains("Speaker "), run.out());
        assertFalse(run.err().contains("diarization"), run.err());
    }
}
