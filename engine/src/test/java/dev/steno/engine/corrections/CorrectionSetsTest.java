package dev.steno.engine.corrections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server-wide corrections and the named sets sessions ask for. */
class CorrectionSetsTest {
    @TempDir
    Path dir;

    private static final List<Word> WORDS = List.of(new Word(" jitsy", 0, 1), new Word(" on", 1, 2),
            new Word(" cubernetes", 2, 3));

    private CorrectionSets sets() throws IOException {
        Path standard = Files.writeString(dir.resolve("standard.txt"), "cubernetes => Kubernetes\njitsy => Jitsi\n");
        Path named = Files.createDirectory(dir.resolve("sets"));
        Files.writeString(named.resolve("meetings.txt"), "jitsy => Jitsi Meet\n");
        Files.writeString(named.resolve("broken.txt"), "no arrow\n");
        Files.writeString(dir.resolve("outside.txt"), "on => off\n");
        return CorrectionSets.open(standard, named, Duration.ZERO, System::nanoTime);
    }

    @Test
    void everySessionGetsTheServerWideCorrections() throws IOException {
        CorrectionSets sets = sets();
        assertEquals("Jitsi on Kubernetes", Words.text(sets.standard().correct(WORDS)));
        assertSame(sets.standard(), sets.forSession(null));
        assertSame(sets.standard(), sets.forSession(" "));
    }

    @Test
    void aNamedSetComesFirstThenTheServerWideOne() throws IOException {
        assertEquals("Jitsi Meet on Kubernetes", Words.text(sets().forSession("meetings").correct(WORDS)));
    }

    @Test
    void unknownAndPathLikeNamesAreRefused() throws IOException {
        CorrectionSets sets = sets();
        assertEquals("unknown corrections set 'nope'",
                assertThrows(IllegalArgumentException.class, () -> sets.forSession("nope")).getMessage());
        for (String name : List.of("../outside", "sets/meetings", "meetings.txt", "a\\b")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> sets.forSession(name)).getMessage()
                    .startsWith("invalid corrections set name"), name);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sets.forSession("broken")).getMessage()
                .endsWith("broken.txt line 1: expected 'wrong => right', got 'no arrow'"));
    }

    @Test
    void withoutAFolderEveryNameIsUnknown() {
        var e = assertThrows(IllegalArgumentException.class, () -> CorrectionSets.NONE.forSession("meetings"));
        assertEquals("unknown corrections set 'meetings': this server has no --corrections-dir", e.getMessage());
        assertTrue(CorrectionSets.NONE.standard().isNone());
    }
}
