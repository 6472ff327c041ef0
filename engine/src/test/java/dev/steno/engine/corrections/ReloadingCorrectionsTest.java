package dev.steno.engine.corrections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A corrections file followed as it changes, looked at no more often than asked, on an injected clock. */
class ReloadingCorrectionsTest {
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong();

    private Path write(String text, long modifiedSeconds) throws IOException {
        Path file = dir.resolve("terms.txt");
        Files.writeString(file, text);
        // explicit times: two writes within one file-system tick must still look different
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedSeconds * 1000));
        return file;
    }

    private static List<String> rights(CorrectionRules rules) {
        return rules.rules().stream().map(r -> String.join(" ", r.right())).toList();
    }

    @Test
    void reloadsAChangedFileOnceTheIntervalPassed() throws IOException {
        Path file = write("cubernetes => Kubernetes\n", 1000);
        ReloadingCorrections rules = ReloadingCorrections.open(file, Duration.ofSeconds(2), clock::get);
        assertEquals(List.of("Kubernetes"), rights(rules.get()));

        write("cubernetes => Kubernetes\njitsy => Jitsi\n", 1001);
        clock.addAndGet(SECOND);
        assertEquals(List.of("Kubernetes"), rights(rules.get()), "not looked at before the interval");
        clock.addAndGet(SECOND);
        assertEquals(List.of("Kubernetes", "Jitsi"), rights(rules.get()));
    }

    @Test
    void aChangedSizeAloneIsNoticed() throws IOException {
        Path file = write("a => b\n", 1000);
        ReloadingCorrections rules = ReloadingCorrections.open(file, Duration.ZERO, clock::get);
        write("a => bb\n", 1000);
        assertEquals(List.of("bb"), rights(rules.get()));
    }

    @Test
    void aBadEditKeepsThePreviousRulesUntilFixed() throws IOException {
        Path file = write("cubernetes => Kubernetes\n", 1000);
        ReloadingCorrections rules = ReloadingCorrections.open(file, Duration.ofSeconds(1), clock::get);
        write("cubernetes => Kubernetes\nthis line has no arrow\n", 1001);
        clock.addAndGet(SECOND);
        assertEquals(List.of("Kubernetes"), rights(rules.get()));

        write("cubernetes => K8s\n", 1002);
        clock.addAndGet(SECOND);
        assertEquals(List.of("K8s"), rights(rules.get()));
    }

    @Test
    void aVanishedFileKeepsThePreviousRules() throws IOException {
        Path file = write("a => b\n", 1000);
        ReloadingCorrections rules = ReloadingCorrections.open(file, Duration.ZERO, clock::get);
        Files.delete(file);
        assertEquals(List.of("b"), rights(rules.get()));
        write("a => c\n", 1005);
        assertEquals(List.of("c"), rights(rules.get()));
    }

    @Test
    void aBadFileIsRefusedAtOpenWithItsLine() throws IOException {
        Path file = write("# terms\nnope\n", 1000);
        var e = assertThrows(CorrectionRules.InvalidRulesException.class,
                () -> ReloadingCorrections.open(file, Duration.ZERO, clock::get));
        assertTrue(e.getMessage().equals(file + " line 2: expected 'wrong => right', got 'nope'"), e.getMessage());
        assertThrows(NoSuchFileException.class,
                () -> ReloadingCorrections.open(dir.resolve("missing.txt"), Duration.ZERO, clock::get));
    }
}
