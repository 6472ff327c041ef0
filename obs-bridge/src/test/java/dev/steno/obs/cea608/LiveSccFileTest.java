package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveSccFileTest {
    @TempDir
    Path dir;

    @Test
    void writesWhileRunningAndEndsWithEveryWordAndTheErase() throws Exception {
        long[] now = {0};
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        Path file = dir.resolve("live.scc");
        try {
            LiveSccFile scc = LiveSccFile.open(file, Cea608Settings.defaults(), scheduler, () -> now[0]);
            scc.committed(1, List.of(new Word("Hello", 0, 0.5)));
            now[0] = 1_000_000_000L;   // one second of frames falls due: the word goes out on the next tick
            assertTrue(waitFor(() -> Files.readString(file).contains("c8e5 ecec ef80")), Files.readString(file));
            scc.committed(1, List.of(new Word(" again", 0.5, 1)));
            scc.close();               // ahead of the clock: " again" and the erase are written
        } finally {
            scheduler.shutdownNow();
        }
        String text = Files.readString(file);
        // frame 0 is due at once: the pump's first tick may run before the first word arrives (then frame 0 is
        // padding, which SCC leaves out, and the caption starts at frame 1)
        assertTrue(text.matches("(?s)Scenarist_SCC V1\\.0\n\n00:00:00;0[01]\t9425 9425 94ad 94ad\n.*"), text);
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

    private interface Check {
        boolean ok() throws Exception;
    }

    private static boolean waitFor(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(20);
        }
        return check.ok();
    }
}
