package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.scoring.DiarizationScore;
import dev.steno.engine.diarization.scoring.DiarizationScorer;
import dev.steno.engine.diarization.scoring.Rttm;
import dev.steno.engine.diarization.scoring.RttmTurn;
import dev.steno.engine.diarization.scoring.Uem;
import dev.steno.engine.diarization.scoring.UemSegment;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno bench diarization}: its figures agree with scoring {@code steno diarize}'s own output. */
class BenchDiarizationCommandTest {
    private static final Pattern DER = Pattern.compile(
            "(\\S+): DER ([0-9.]+)% \\(missed ([0-9.]+)%, false alarm ([0-9.]+)%, confusion ([0-9.]+)%\\), "
                    + "speakers: reference (\\d+), found (\\d+); audio ([0-9.]+) s");

    @TempDir
    Path dir;

    /** The bench's DER line for {@code id}, checked against scoring {@code diarize}'s RTTM with the same scorer. */
    private static void assertAgreesWithDiarize(CliRun bench, Path audio, List<RttmTurn> reference,
                                                DiarizationScorer scorer, List<UemSegment> uem) {
        assertEquals(0, bench.exitCode(), bench.toString());
        CliRun diarize = CliRun.of("diarize", audio.toString());
        assertEquals(0, diarize.exitCode(), diarize.toString());
        DiarizationScore expected = scorer.score(reference, Rttm.parse(diarize.out()), uem);
        Matcher m = DER.matcher(bench.out());
        assertTrue(m.find(), bench.out());
        assertEquals(reference.get(0).file(), m.group(1));
        assertEquals(percent(expected.der()), m.group(2), bench.out());
        assertEquals(percent(expected.missedRate()), m.group(3), bench.out());
        assertEquals(percent(expected.falseAlarmRate()), m.group(4), bench.out());
        assertEquals(percent(expected.confusionRate()), m.group(5), bench.out());
        assertEquals(expected.referenceSpeakers(), Integer.parseInt(m.group(6)), bench.out());
        assertEquals(expected.systemSpeakers(), Integer.parseInt(m.group(7)), bench.out());
        assertTrue(bench.out().contains(m.group(1) + ": coverage latency median "), bench.out());
        assertTrue(bench.out().contains("ms per audio second"), bench.out());
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    @Test
    void derOfTheDialogueIsTheScorersOnDiarizesTurns() throws Exception {
        Path audio = SharedFixtures.file("audio/synthetic/dialogue-a.wav");
        Path rttm = SharedFixtures.file("audio/synthetic/dialogue-a.rttm");
        CliRun bench = CliRun.of("bench", "diarization", "--audio", audio.toString(), "--rttm", rttm.toString());
        assertAgreesWithDiarize(bench, audio, Rttm.read(rttm), DiarizationScorer.withCollar(0.25), null);
        assertTrue(bench.out().startsWith("baseline diarizer, collar 0.25 s, overlap scored"), bench.out());
    }

    @Test
    void anAmiExcerptIsPickedOutOfATwoRecordingReferenceByIdAndScoredInItsUem() throws Exception {
        Path audio = SharedFixtures.file("audio/ami/dev01.wav");
        Path rttm = SharedFixtures.file("audio/ami/debug.development.rttm");
        Path uem = SharedFixtures.file("audio/ami/debug.development.uem");
        CliRun bench = CliRun.of("bench", "diarization", "--audio", audio.toString(), "--rttm", rttm.toString(),
                "--uem", uem.toString(), "--collar", "0", "--ignore-overlap");
        List<RttmTurn> dev01 = Rttm.byFile(Rttm.read(rttm)).get("dev01");
        assertAgreesWithDiarize(bench, audio, dev01, DiarizationScorer.withCollar(0).ignoringOverlap(),
                Uem.read(uem));
        assertTrue(bench.out().startsWith("baseline diarizer, collar 0.00 s, overlap not scored"), bench.out());
    }

    @Test
    void aSingleRecordingReferenceUnderAnotherIdIsUsedAsItIs() throws Exception {
        Path audio = SharedFixtures.file("audio/synthetic/dialogue-a.wav");
        String renamed = Files.readString(SharedFixtures.file("audio/synthetic/dialogue-a.rttm"))
                .replace("dialogue-a", "session-7");
        Path rttm = Files.writeString(dir.resolve("ref.rttm"), renamed, StandardCharsets.UTF_8);
        CliRun bench = CliRun.of("bench", "diarization", "--audio", audio.toString(), "--rttm", rttm.toString());
        assertEquals(0, bench.exitCode(), bench.toString());
        assertTrue(bench.out().contains("session-7: DER "), bench.out());
    }

    @Test
    void aReferenceWithoutTheRecordingFailsClearly() throws Exception {
        Path audio = SharedFixtures.file("audio/synthetic/dialogue-a.wav");
        Path rttm = SharedFixtures.file("audio/ami/debug.development.rttm");
        CliRun bench = CliRun.of("bench", "diarization", "--audio", audio.toString(), "--rttm", rttm.toString());
        assertEquals(DiarizeCommand.BAD_INPUT, bench.exitCode(), bench.toString());
        assertTrue(bench.err().contains("has no turns of 'dialogue-a' (its recordings: dev00, dev01)"), bench.err());
        assertFalse(bench.err().contains("Exception"), bench.err());
    }
}
