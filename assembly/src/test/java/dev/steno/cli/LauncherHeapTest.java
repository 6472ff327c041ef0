package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code steno} launcher sizes the heap from the model's header, the sessions, workers and beams, picks the
 * serial collector for small heaps, and leaves both to {@code STENO_JAVA_OPTS} when it sets a heap. The launcher runs
 * as users run it, with a stand-in {@code java} (found through {@code STENO_JAVA}) that prints what it was given.
 */
class LauncherHeapTest {
    @TempDir
    static Path dir;
    static Path launcher;
    static Path base;
    static Path large;

    @BeforeAll
    static void setUp() throws IOException {
        // the launcher runs the steno.jar beside it: a copy of the script with a placeholder jar keeps it from building
        launcher = dir.resolve("steno");
        Files.copy(DeployFiles.root().resolve("steno"), launcher, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("steno.jar"), "placeholder");
        Path java = dir.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                case "$1" in -XshowSettings*) echo "    java.specification.version = 25" >&2; exit 0 ;; esac
                echo "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX"
                for a in "$@"; do echo "$a"; done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        // n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer
        base = header("ggml-base.bin", 1500, 512, 8, 6, 448, 512, 8, 6);
        large = header("ggml-large-v3.bin", 1500, 1280, 20, 32, 448, 1280, 20, 32);
    }

    private static Path header(String name, int... hparams) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * (hparams.length + 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x67676d6c).putInt(51865);
        for (int v : hparams) {
            b.putInt(v);
        }
        b.putInt(80).putInt(1);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    /** The stand-in java's lines: the arena setting, then its arguments. */
    private static List<String> launch(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("STENO_JAVA_OPTS");
        pb.environment().remove("MALLOC_ARENA_MAX");
        pb.environment().put("STENO_JAVA", dir.resolve("java").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static int heapMb(List<String> lines) {
        for (String l : lines) {
            Matcher m = Pattern.compile("-Xmx(\\d+)m").matcher(l);
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no -Xmx in " + lines);
    }

    private static int heap(String... args) throws Exception {
        return heapMb(launch(Map.of(), args));
    }

    @Test
    void baseWithFourSessionsGetsASmallSerialHeapAndTwoMallocArenas() throws Exception {
        List<String> lines = launch(Map.of(), "bench", "sessions", "--model-path", base.toString(), "--sessions",
                "2,4", "--workers", "1");
        int mb = heapMb(lines);
        // measured live after a full GC: 139 MB; the heap holds the estimate (150), 15% more and the young generation
        assertTrue(mb >= 165 && mb <= 215, "heap " + mb + " MB");
        assertTrue(lines.contains("-XX:+UseSerialGC"), lines.toString());
        assertTrue(lines.contains("-Xmn16m"), lines.toString());
        assertTrue(lines.contains("-XX:TrimNativeHeapInterval=2000"), lines.toString());
        assertEquals("MALLOC_ARENA_MAX=2", lines.getFirst());
        assertEquals(List.of("bench", "sessions", "--model-path", base.toString(), "--sessions", "2,4", "--workers",
                "1"), lines.subList(lines.size() - 8, lines.size()), "the arguments pass through unchanged");
    }

    @Test
    void theHeapGrowsWithSessionsWorkersBeamsAndTheModel() throws Exception {
        int four = heap("bench", "sessions", "--model-path", base.toString(), "--sessions", "4", "--workers", "1");
        int sixteen = heap("bench", "sessions", "--model-path", base.toString(), "--sessions", "16", "--workers", "1");
        int twoWorkers = heap("bench", "sessions", "--model-path", base.toString(), "--sessions", "4", "--workers=2");
        int beams = heap("bench", "sessions", "--model-path", base.toString(), "--sessions", "4", "--workers", "1",
                "--beams", "4");
        int byName = heap("bench", "sessions", "--model", "base", "--sessions", "4", "--workers", "1");
        // 12 more sessions of 3 MB each, 15% over
        assertTrue(sixteen - four >= 40 && sixteen - four <= 43, four + " -> " + sixteen);
        // a worker: an encoder set (34 MB) and a decoding (base: 57 MB)
        assertTrue(twoWorkers - four > 90, four + " -> " + twoWorkers);
        assertTrue(beams - four > 90, four + " -> " + beams);
        assertEquals(four, byName, "the name's table gives the header's sizes");
        // a fine-tune has no alignment-head table: AlignAtt records all 24 heads of base's upper layers, not 12
        Path fineTune = Files.copy(base, dir.resolve("my-fine-tune.bin"), StandardCopyOption.REPLACE_EXISTING);
        int fine = heap("bench", "sessions", "--model-path", fineTune.toString(), "--sessions", "4", "--workers", "1");
        assertTrue(fine - four >= 15 && fine - four <= 20, four + " -> " + fine);
        List<String> big = launch(Map.of(), "serve", "--model-path", large.toString());
        assertTrue(heapMb(big) > 1000, big.toString());
        assertFalse(big.contains("-XX:+UseSerialGC"), "a large heap keeps G1: " + big);
    }

    @Test
    void aHeapOrArenaSetByTheUserIsKept() throws Exception {
        List<String> lines = launch(Map.of("STENO_JAVA_OPTS", "-Xmx1g", "MALLOC_ARENA_MAX", "4"), "serve", "--model",
                "base");
        assertTrue(lines.contains("-Xmx1g"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.matches("-Xmx\\d+m") || l.equals("-XX:+UseSerialGC")),
                lines.toString());
        assertEquals("MALLOC_ARENA_MAX=4", lines.getFirst());
    }

    @Test
    void aFileThatIsNotAModelIsSizedAsBase() throws Exception {
        Path junk = dir.resolve("ggml-base-truncated.bin");
        Files.writeString(junk, "not a model");
        assertEquals(heap("bench", "sessions", "--model", "base", "--sessions", "4", "--workers", "1"),
                heap("bench", "sessions", "--model-path", junk.toString(), "--sessions", "4", "--workers", "1"));
    }
}
