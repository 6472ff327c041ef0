package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a program a test needs (node, npm) to its end and fails the test with its output when it fails. */
final class ChildProcesses {
    private ChildProcesses() {
    }

    /** Runs {@code pb} (stderr joined to stdout) for at most {@code timeoutSeconds}; returns its output. */
    static String run(ProcessBuilder pb, int timeoutSeconds) throws IOException, InterruptedException {
        String command = String.join(" ", pb.command());
        pb.redirectErrorStream(true);
        // output to a file: a full pipe would block the child while we wait for it
        Path log = Files.createTempFile("steno-child", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(done, command + " timed out:\n" + text);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }
}
