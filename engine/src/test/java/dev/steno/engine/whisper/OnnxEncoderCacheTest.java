package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built encoder graphs are kept per model checksum and precision, found again, and never stale. */
class OnnxEncoderCacheTest {
    @TempDir
    Path dir;

    private static List<Path> graphs(Path cache) throws Exception {
        try (Stream<Path> s = Files.list(cache.resolve("onnx-encoder"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    @Test
    void aGraphIsBuiltOncePerModelAndPrecisionAndAChangedFileGetsANewOne() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 1);
        Path cache = dir.resolve("cache");
        GgmlWhisperFile file = GgmlWhisperFile.openComplete(model);
        WhisperWeights weights = WhisperWeights.load(file);
        Path first;
        try (OnnxEncoderCache.Graph g = OnnxEncoderCache.graph(file, weights, EncoderPrecision.F32, cache)) {
            first = g.model();
            assertNull(g.temporaryFolder(), "a cached graph stays");
        }
        FileTime built = Files.getLastModifiedTime(first);
        try (OnnxEncoderCache.Graph g = OnnxEncoderCache.graph(file, weights, EncoderPrecision.F32, cache)) {
            assertEquals(first, g.model(), "found again");
        }
        assertEquals(built, Files.getLastModifiedTime(first), "not rebuilt");
        try (OnnxEncoderCache.Graph g = OnnxEncoderCache.graph(file, weights, EncoderPrecision.INT8, cache)) {
            assertNotEquals(first.getParent(), g.model().getParent(), "int8 has a graph of its own");
        }
        assertEquals(2, graphs(cache).size());
        String sha = OnnxEncoderCache.sha256(file);
        assertTrue(first.getParent().getFileName().toString().startsWith(sha.substring(0, 16)));

        // the same path, other weights (same size): a new checksum, a new graph
        RandomGgmlWhisper.write(model, RandomGgmlWhisper.Config.MICRO, 2);
        Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() + 5000));
        GgmlWhisperFile changed = GgmlWhisperFile.openComplete(model);
        try (OnnxEncoderCache.Graph g = OnnxEncoderCache.graph(changed, WhisperWeights.load(changed),
                EncoderPrecision.F32, cache)) {
            assertNotEquals(first, g.model());
            assertTrue(g.model().getParent().getFileName().toString()
                    .startsWith(OnnxEncoderCache.sha256(changed).substring(0, 16)));
        }
        assertEquals(3, graphs(cache).size());
    }

    @Test
    void withoutACacheFolderTheGraphIsBuiltInATemporaryFolderThatClosingDeletes() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 1);
        GgmlWhisperFile file = GgmlWhisperFile.openComplete(model);
        Path folder;
        try (OnnxEncoderCache.Graph g = OnnxEncoderCache.graph(file, WhisperWeights.load(file),
                EncoderPrecision.INT8, null)) {
            folder = g.temporaryFolder();
            assertTrue(Files.isRegularFile(g.model()));
            assertTrue(Files.isRegularFile(g.model().resolveSibling("encoder.onnx.data")));
        }
        assertFalse(Files.exists(folder));
    }
}
