package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.ManualScheduler;
import dev.steno.engine.transcript.Word;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveSccFileTest {
    @TempDir
    Path dir;

    /** The pump runs on a manual scheduler: the test moves its clock, and the frames due by then are written. */
    @Test
    void writesWhileRunningAndEndsWithEveryWordAndTheErase() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        Path file = dir.resolve("live.scc");
        LiveSccFile scc = LiveSccFile.open(file, Cea608Settings.defaults(), scheduler, scheduler::nanoTime);
        scc.committed(1, List.of(new Word("Hello", 0, 0.5)));
        scheduler.advance(Duration.ofSeconds(1)); // one second of frames falls due
        String running = Files.readString(file);
        assertTrue(running.contains("c8e5 ecec ef80"), "'Hello' written while running: " + running);
        assertFalse(running.contains("942c"), "no erase yet: " + running);
        scc.committed(1, List.of(new Word(" again", 0.5, 1)));
        scc.close();                                // ahead of the clock: " again" and the erase are written
        String text = Files.readString(file);
        assertTrue(text.matches("(?s)Scenarist_SCC V1\\.0\n\n00:00:00;00\t9425 9425 94ad 94ad\n.*"), text);
        assertTrue(text.contains("2061 6761 e96e"), "' again' = 20 61 67 61 e9 6e: " + text);
        assertTrue(text.strip().endsWith("942c 942c"), text);
    }

    @Test
    void unwritableFileIsNamed() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            Path bad = dir.resolve("missing-dir").resolve("x.scc");
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> LiveSccFile.open(bad, Cea608Settings.defaults(), scheduler));
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
