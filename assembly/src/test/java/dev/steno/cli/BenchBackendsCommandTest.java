package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno bench backends} on a random-weight MICRO model: a row of figures per backend. */
class BenchBackendsCommandTest {
    @TempDir
    static Path dir;

    /** backend, then load ms, median ms, p95 ms, RTF, RSS after load, RSS delta. */
    static final String NUM = "\\s+(-?[0-9]+(?:\\.[0-9]+)?)";

    @Test
    void printsATableRowForEachBackend() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("micro.bin"), RandomGgmlWhisper.Config.MICRO, 21);
        String jfk = SharedFixtures.file("audio/jfk.wav").toString();
        CliRun run = CliRun.of("bench", "backends", "--model-path", model.toString(), "--audio", jfk, "--runs", "1",
                "--threads", "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("audio jfk.wav (11.00 s), 1 run(s), 1 thread(s)"), run.out());
        for (String backend : new String[] {"whisper.cpp", "java"}) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(backend) + NUM.repeat(6) + "\\s*$").matcher(run.out());
            assertTrue(m.find(), backend + " row with six figures:\n" + run.out());
            double loadMs = Double.parseDouble(m.group(1));
            double median = Double.parseDouble(m.group(2));
            double p95 = Double.parseDouble(m.group(3));
            double rtf = Double.parseDouble(m.group(4));
            assertTrue(loadMs >= 0 && median > 0 && p95 >= median, run.out());
            assertEquals(median / 1000 / 11.0, rtf, 0.001, "RTF = median / audio length");
            assertTrue(Double.parseDouble(m.group(5)) > 0, "RSS read from /proc");
        }
        // the setting of JavaWhisperEquivalenceTest (this model and audio among its cases): the same work is timed
        assertTrue(run.out().contains("same text from every backend: yes"), run.out());
    }

    @Test
    void refusesBadArguments() {
        Path wav = SharedFixtures.file("audio/jfk.wav");
        CliRun bad = CliRun.of("bench", "backends", "--model-path", "x.bin", "--audio", wav.toString(), "--runs", "0");
        assertNotEquals(0, bad.exitCode());
        assertTrue(bad.err().contains("--runs must be at least 1"), bad.toString());
        CliRun unknown = CliRun.of("bench", "backends", "--model-path", "x.bin", "--audio", wav.toString(),
                "--backends", "onnx");
        assertNotEquals(0, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown backend 'onnx'"), unknown.toString());
    }
}
