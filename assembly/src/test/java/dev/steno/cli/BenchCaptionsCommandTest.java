package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchCaptionsCommandTest {
    @Test
    void printsOneRowPerTimeline() {
        CliRun run = CliRun.of("bench", "captions", "--words-per-second", "3", "--seconds", "10");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("ROLL_UP_2 at 29.970 fps"), run.out());
        // 30 words, all sent, none dropped.
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("steady 3.0 w/s") && l.matches(".*\\s30\\s+30\\s+0\\s.*")),
                run.out());
    }

    @Test
    void badModeIsNamed() {
        CliRun run = CliRun.of("bench", "captions", "--mode", "SIDEWAYS");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--mode"), run.err());
    }
}
