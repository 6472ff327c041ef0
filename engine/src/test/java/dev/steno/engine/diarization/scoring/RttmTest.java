package dev.steno.engine.diarization.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RttmTest {
    @TempDir
    Path dir;

    @Test
    void readsSpeakerLinesAndSkipsCommentsBlanksAndOtherTypes() {
        String text = """
                ;; a comment
                SPKR-INFO f 1 <NA> <NA> <NA> unknown A <NA> <NA>

                SPEAKER f 1 0.50 1.25 <NA> <NA> A <NA> <NA>
                   SPEAKER\tg 1 2 0 <NA> <NA> B
                LEXEME f 1 0.6 0.2 hello lex A <NA>
                """;
        assertEquals(List.of(new RttmTurn("f", 0.5, 1.25, "A"), new RttmTurn("g", 2, 0, "B")), Rttm.parse(text));
    }

    @Test
    void aMalformedLineIsRejectedWithItsNumberAndFault() {
        assertMessage("line 2: too few fields", "SPEAKER f 1 0 1 <NA> <NA> A\nSPEAKER f 1 0 1 <NA> <NA>\n");
        assertMessage("line 1: start is not a number: 'x'", "SPEAKER f 1 x 1 <NA> <NA> A <NA> <NA>");
        assertMessage("line 3: duration is negative: -1", ";;\n\nSPEAKER f 1 0 -1 <NA> <NA> A <NA> <NA>");
        assertMessage("line 1: start is negative: -0.5", "SPEAKER f 1 -0.5 1 <NA> <NA> A <NA> <NA>");
        assertMessage("line 1: duration is not a finite number", "SPEAKER f 1 0 NaN <NA> <NA> A <NA> <NA>");
    }

    private static void assertMessage(String expectedStart, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rttm.parse(text));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    @Test
    void readingAFileNamesItAndTheLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.rttm"), "SPEAKER f 1 0 1 <NA> <NA> A <NA> <NA>\nSPEAKER f 1\n");
        IOException e = assertThrows(IOException.class, () -> Rttm.read(bad));
        assertTrue(e.getMessage().contains("bad.rttm: line 2: too few fields"), e.getMessage());
    }

    @Test
    void writesLinesThatReadBackAndGroupsByFile() throws IOException {
        List<RttmTurn> turns = List.of(new RttmTurn("b", 1.23456, 2, "x"), new RttmTurn("a", 0, 0.5, "y"),
                new RttmTurn("b", 4, 1.0005, "y"));
        assertEquals("SPEAKER b 1 1.235 2.000 <NA> <NA> x <NA> <NA>", Rttm.format(turns.get(0)));
        Path file = dir.resolve("out.rttm");
        Rttm.write(file, turns);
        List<RttmTurn> back = Rttm.read(file);
        assertEquals(List.of(new RttmTurn("b", 1.235, 2, "x"), new RttmTurn("a", 0, 0.5, "y"),
                new RttmTurn("b", 4, 1.001, "y")), back);
        Map<String, List<RttmTurn>> groups = Rttm.byFile(back);
        assertEquals(List.of("b", "a"), List.copyOf(groups.keySet()));
        assertEquals(List.of(back.get(0), back.get(2)), groups.get("b"));
    }

    @Test
    void aDiarizerSegmentBecomesATurn() {
        RttmTurn t = RttmTurn.of("rec", new SpeakerSegment(3, 1.5, 4));
        assertEquals(new RttmTurn("rec", 1.5, 2.5, "spk3"), t);
        assertEquals(4, t.end());
    }

    @Test
    void readsTheSharedDialogueReference() throws IOException {
        List<RttmTurn> turns = Rttm.read(SharedFixtures.file("audio/synthetic/dialogue-a.rttm"));
        assertEquals(5, turns.size());
        assertEquals(new RttmTurn("dialogue-a", 0.5, 4.253, "en-us+m3"), turns.get(0));
        assertEquals(List.of("en-us+m3", "en-us+f2"), turns.stream().map(RttmTurn::speaker).distinct().toList());
    }

    @Test
    void uemLinesGiveTheScoredTimeOfEachRecording() throws IOException {
        assertEquals(List.of(new UemSegment("f", 0, 1.5), new UemSegment("g", 3, 4)),
                Uem.parse(";; scored\nf NA 0 1.5\n\ng 1 3.000 4\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Uem.parse("f 1 0 1\nf 1 5 4"));
        assertTrue(e.getMessage().startsWith("line 2: end 4.0 is before start 5.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Uem.parse("f 1 0"));
        assertTrue(e.getMessage().startsWith("line 1: too few fields"), e.getMessage());
        assertEquals(List.of(new UemSegment("dev00", 0, 30), new UemSegment("dev01", 0, 30)),
                Uem.read(SharedFixtures.file("audio/ami/debug.development.uem")));
    }
}
