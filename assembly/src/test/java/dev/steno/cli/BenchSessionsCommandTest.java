package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code steno bench sessions} on a random-weight MICRO model, with and without speech emulation. */
class BenchSessionsCommandTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 5);

    static final int SESSIONS = 2;
    static final double SECONDS = 6;
    static final String NUM = "\\s+(-?[0-9]+(?:\\.[0-9]+)?)";

    private static CliRun bench(String... extra) {
        String[] base = {"bench", "sessions", "--model-path", MODEL.path().toString(), "--audio",
                SharedFixtures.file("audio/jfk.wav").toString(), "--sessions", String.valueOf(SESSIONS),
                "--seconds", String.valueOf(SECONDS), "--no-vad", "--language", "en"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    /**
     * The row of {@code n} sessions: max lag, p95 lag, tail, RSS, RTF, dropped, words per session-second, rows per
     * decoder batch.
     */
    private static Matcher row(CliRun run) {
        Matcher m = Pattern.compile("(?m)^\\s*" + SESSIONS + NUM.repeat(8) + "\\s*$").matcher(run.out());
        assertTrue(m.find(), "a row of eight figures for " + SESSIONS + " sessions:\n" + run.out());
        return m;
    }

    @Test
    void emulatedSpeechCommitsTheScriptedRate() {
        double rate = 2.5;
        CliRun run = bench("--emulate-speech", String.valueOf(rate));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("decoding: emulated speech, 2.50 tokens/s"), run.out());
        double wordsPerSecond = Double.parseDouble(row(run).group(7));
        // Token i of the script is spoken at i / rate s, one word each: the stream holds ceil(S * rate) of them.
        // The end-of-stream step keeps back at most the one whose attention box touches the last frames.
        double spoken = Math.ceil(SECONDS * rate);
        assertTrue(wordsPerSecond <= spoken / SECONDS + 0.005 && wordsPerSecond >= (spoken - 1) / SECONDS - 0.005,
                "words per session-second " + wordsPerSecond + " for " + spoken + " scripted words in " + SECONDS
                        + " s:\n" + run.out());
    }

    @Test
    void withoutEmulationTheModelDecodesItself() {
        CliRun run = bench();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("decoding: the model's own output"), run.out());
        assertEquals(1.0, Double.parseDouble(row(run).group(8)), 1e-9, "greedy streams step one row at a time");
    }

    @Test
    void beamsStepAsOneBatch() {
        CliRun run = bench("--emulate-speech", "--beams", "3");
        assertEquals(0, run.exitCode(), run.toString());
        double rows = Double.parseDouble(row(run).group(8));
        assertTrue(rows > 1.5 && rows <= 3.0, "a stream's three beams share decoder batches: " + rows + " rows\n"
                + run.out());
    }

    @Test
    void emulationNeedsSimulStreaming() {
        CliRun run = bench("--backend-policy", "localagreement", "--emulate-speech");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.err().contains("--emulate-speech"), run.toString());
        CliRun bad = bench("--emulate-speech", "0");
        assertNotEquals(0, bad.exitCode());
        assertTrue(bad.err().contains("--emulate-speech RATE must be in (0, 50]"), bad.toString());
    }
}
