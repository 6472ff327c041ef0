package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
    @TempDir
    Path cache;

    @Test
    void listShowsEveryModelAndWhatIsCached() throws Exception {
        Files.write(cache.resolve("ggml-tiny.en.bin"), new byte[10]);
        CliRun run = CliRun.of("models", "list", "--model-dir", cache.toString());
        assertEquals(0, run.exitCode(), run.toString());
        for (String name : new String[] {"tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium",
                "medium.en", "large-v3", "large-v3-turbo"}) {
            assertTrue(run.out().contains("ggml-" + name + ".bin"), name);
        }
        assertTrue(run.out().contains("cache: " + cache), run.out());
        // the tiny.en file has no recorded size, so a present file counts as cached
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("tiny.en ") && l.contains(" yes ")), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("base ") && l.contains(" no ")), run.out());
    }

    @Test
    void pathSaysWhereAndWhetherPresent() {
        CliRun run = CliRun.of("models", "path", "base", "--model-dir", cache.toString());
        assertEquals(1, run.exitCode());
        assertEquals(cache.resolve("ggml-base.bin").toString(), run.out().strip());
        assertTrue(run.err().contains("steno models pull base"), run.err());
    }

    /** A model name never becomes a path outside the cache: path-like names are refused before any lookup. */
    @Test
    void pathsAreNoModelNames() {
        for (String bad : new String[] {"../../etc/passwd", "/etc/passwd", "sub/ggml-base"}) {
            CliRun path = CliRun.of("models", "path", bad, "--model-dir", cache.toString());
            assertEquals(1, path.exitCode(), path.toString());
            assertEquals("", path.out(), "no path is printed for " + bad);
            assertTrue(path.err().contains("--model-path"), path.err());
            CliRun pull = CliRun.of("models", "pull", bad, "--model-dir", cache.toString(), "--mirror",
                    "http://127.0.0.1:9/");
            assertEquals(1, pull.exitCode(), pull.toString());
            assertTrue(pull.err().contains("is a path, not a model name"), pull.err());
        }
    }

    @Test
    void pullOfflineSaysWhereToPutTheFile() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        CliRun run = CliRun.of("models", "pull", "tiny", "--model-dir", cache.toString(),
                "--mirror", "http://127.0.0.1:" + closedPort + "/models/");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains(cache.resolve("ggml-tiny.bin").toString()), run.err());
        assertTrue(run.err().contains("--model-path"), run.err());
        assertTrue(!run.err().contains("\tat "), run.err());
    }
}
