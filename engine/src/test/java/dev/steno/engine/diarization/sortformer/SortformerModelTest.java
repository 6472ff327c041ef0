package dev.steno.engine.diarization.sortformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.onnx.OnnxModelBuilder;
import dev.steno.engine.onnx.OnnxModelBuilder.Type;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SortformerModelTest {
    @TempDir
    Path dir;

    /** Rows of random values, a few per row large so the predictions differ. */
    private static float[] rows(Random rnd, int n, int width) {
        float[] v = new float[n * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 6);
        }
        return v;
    }

    /** Runs one step and checks every output against the synthetic model's definition. */
    private static void checkStep(SortformerModel model, SortformerPreset preset, int mel, int cacheRows, int fifoRows) {
        Random rnd = new Random(mel * 31L + cacheRows);
        float[] chunk = rows(rnd, mel, 128);
        float[] cache = rows(rnd, cacheRows, 512);
        float[] fifo = rows(rnd, fifoRows, 512);
        SortformerModel.Step step = model.newStep(preset);
        // stale values past the rows must not leak into the padding
        fill(step.chunk(), 99f);
        fill(step.cache(), 99f);
        fill(step.fifo(), 99f);
        step.chunk().clear();
        step.chunk().put(chunk);
        step.cache().clear();
        step.cache().put(cache);
        step.fifo().clear();
        step.fifo().put(fifo);
        step.run(mel, cacheRows, fifoRows);

        int embRows = (mel + 7) / 8;
        assertEquals(embRows, step.embeddingLength());
        float[] embs = step.embeddings();
        for (int r = 0; r < embRows; r++) {
            for (int band = 0; band < 128; band++) {
                double sum = 0;
                for (int k = 0; k < 8; k++) {
                    int frame = r * 8 + k;
                    sum += frame < mel ? chunk[frame * 128 + band] : 0;
                }
                assertEquals(sum / 8, embs[r * 512 + band], 1e-4, "embedding " + r + " band " + band);
            }
            assertEquals(0f, embs[r * 512 + 200]);
        }
        float[] preds = step.predictions();
        for (int p = 0; p < cacheRows + fifoRows + embRows; p++) {
            float[] row = p < cacheRows ? Arrays.copyOfRange(cache, p * 512, p * 512 + 512)
                    : p < cacheRows + fifoRows ? Arrays.copyOfRange(fifo, (p - cacheRows) * 512,
                    (p - cacheRows + 1) * 512)
                    : Arrays.copyOfRange(embs, (p - cacheRows - fifoRows) * 512, (p - cacheRows - fifoRows + 1) * 512);
            for (int s = 0; s < 4; s++) {
                assertEquals(SyntheticSortformer.prediction(row, s), preds[p * 4 + s], 1e-4, "row " + p + " speaker " + s);
            }
        }
    }

    private static void fill(FloatBuffer b, float v) {
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, v);
        }
    }

    @Test
    void dynamicExportGetsExactRowsAndWholeGroupsOfMelFrames() throws IOException {
        try (SortformerModel model = SortformerModel.load(SyntheticSortformer.dynamic(dir.resolve("d.onnx")))) {
            assertEquals(-1, model.staticChunkFrames());
            assertEquals(-1, model.staticCacheFrames());
            checkStep(model, SortformerPreset.LOW, 112, 3, 2);
            // a short last chunk: 13 mel frames go as 16, the true length in chunk_lengths
            checkStep(model, SortformerPreset.LOW, 13, 188, 188);
            // the very first step: nothing in cache or FIFO
            checkStep(model, SortformerPreset.LOW, 104, 0, 0);
        }
    }

    @Test
    void staticExportIsPaddedToItsTracedSizes() throws IOException {
        Path file = SyntheticSortformer.write(dir.resolve("s.onnx"), 112, 188, 188, Map.of());
        try (SortformerModel model = SortformerModel.load(file)) {
            assertEquals(112, model.staticChunkFrames());
            assertEquals(188, model.staticCacheFrames());
            assertEquals(188, model.staticFifoFrames());
            checkStep(model, SortformerPreset.LOW, 104, 0, 0);
            checkStep(model, SortformerPreset.LOW, 37, 5, 188);
            checkStep(model, SortformerPreset.LOW, 112, 188, 7);
        }
    }

    @Test
    void staticSizesAndMetadataMustFitThePreset() throws IOException {
        Path veryHigh = SyntheticSortformer.write(dir.resolve("vh.onnx"), 3048, 188, 40, Map.of());
        try (SortformerModel model = SortformerModel.load(veryHigh)) {
            model.check(SortformerPreset.VERY_HIGH);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.check(SortformerPreset.LOW));
            assertTrue(e.getMessage().contains("chunks of 3048 mel frames") && e.getMessage().contains("= 112")
                    && e.getMessage().contains("FIFO input holds 40") && e.getMessage().contains("fit: very-high"),
                    e.getMessage());
        }
        Path declared = SyntheticSortformer.write(dir.resolve("m.onnx"), "T", "S", "F",
                Map.of("chunk_len", "6", "fifo_len", "188", "spkcache_len", "188"));
        try (SortformerModel model = SortformerModel.load(declared)) {
            assertEquals(Map.of("chunk_len", 6, "fifo_len", 188, "spkcache_len", 188), model.declaredParameters());
            model.check(SortformerPreset.LOW);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.newStep(SortformerPreset.WLK));
            assertTrue(e.getMessage().contains("chunk_len = 6, the preset 10")
                    && e.getMessage().contains("presets that fit: low"), e.getMessage());
        }
        Path bad = SyntheticSortformer.write(dir.resolve("b.onnx"), "T", "S", "F", Map.of("chunk_len", "six"));
        IOException e = assertThrows(IOException.class, () -> SortformerModel.load(bad));
        assertTrue(e.getMessage().contains("chunk_len = 'six'"), e.getMessage());
    }

    @Test
    void aFileThatIsNotOnnxIsRefused() throws IOException {
        Path text = Files.writeString(dir.resolve("model.onnx"), "not a model");
        IOException e = assertThrows(IOException.class, () -> SortformerModel.load(text));
        assertTrue(e.getMessage().startsWith("cannot load " + text + " as an ONNX model"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> SortformerModel.load(dir.resolve("missing.onnx")));
    }

    @Test
    void theOfflineSortformerIsRecognisedAndRefused() throws IOException {
        Path offline = new OnnxModelBuilder("offline")
                .input("processed_signal", Type.FLOAT, "B", 128, "T")
                .input("processed_signal_length", Type.INT64, "B")
                .node("ReduceMean", List.of("processed_signal"), List.of("preds"), Map.of("axes", new long[] {1}))
                .output("preds", Type.FLOAT, "B", 1, "T")
                .write(dir.resolve("offline.onnx"));
        IOException e = assertThrows(IOException.class, () -> SortformerModel.load(offline));
        assertTrue(e.getMessage().contains("missing input 'chunk'") && e.getMessage().contains("offline Sortformer")
                && e.getMessage().contains("processed_signal float32 (?, 128, ?)"), e.getMessage());
    }

    @Test
    void aVoiceActivityModelIsRefusedNamingWhatIsMissing() throws IOException {
        Path vad = new OnnxModelBuilder("vad")
                .input("input", Type.FLOAT, "B", 576)
                .input("state", Type.FLOAT, 2, "B", 128)
                .input("sr", Type.INT64)
                .node("Identity", List.of("input"), List.of("output"))
                .node("Identity", List.of("state"), List.of("stateN"))
                .output("output", Type.FLOAT, "B", 576)
                .output("stateN", Type.FLOAT, 2, "B", 128)
                .write(dir.resolve("vad.onnx"));
        IOException e = assertThrows(IOException.class, () -> SortformerModel.load(vad));
        assertTrue(e.getMessage().contains("is not a streaming Sortformer model: missing input 'chunk'")
                && e.getMessage().contains("found inputs [input float32 (?, 576)")
                && e.getMessage().contains("chunk_lengths int64 (1)"), e.getMessage());
        assertTrue(!e.getMessage().contains("offline"), e.getMessage());
    }

    /** The synthetic model with one input or output changed. */
    private Path variant(String name, Type lengthsType, int bands, boolean dropEmbLengths) throws IOException {
        OnnxModelBuilder b = new OnnxModelBuilder("variant")
                .input("chunk", Type.FLOAT, 1, "T", bands)
                .input("chunk_lengths", lengthsType, 1)
                .input("spkcache", Type.FLOAT, 1, "S", 512)
                .input("spkcache_lengths", Type.INT64, 1)
                .input("fifo", Type.FLOAT, 1, "F", 512)
                .input("fifo_lengths", Type.INT64, 1)
                .initializer("w", new float[512 * 4], 512, 4)
                .node("MatMul", List.of("spkcache", "w"), List.of("spkcache_fifo_chunk_preds"))
                .node("Identity", List.of("fifo"), List.of("chunk_pre_encode_embs"))
                .node("Identity", List.of("fifo_lengths"), List.of("chunk_pre_encode_lengths"))
                .output("spkcache_fifo_chunk_preds", Type.FLOAT, 1, "N", 4)
                .output("chunk_pre_encode_embs", Type.FLOAT, 1, "E", 512);
        if (!dropEmbLengths) {
            b.output("chunk_pre_encode_lengths", Type.INT64, 1);
        }
        return b.write(dir.resolve(name));
    }

    @Test
    void wrongTypesSizesAndMissingOutputsAreNamed() throws IOException {
        IOException type = assertThrows(IOException.class,
                () -> SortformerModel.load(variant("t.onnx", Type.FLOAT, 128, false)));
        assertTrue(type.getMessage().contains("input 'chunk_lengths' is float32 (1,), expected int64 (1,)"),
                type.getMessage());
        IOException bands = assertThrows(IOException.class,
                () -> SortformerModel.load(variant("b.onnx", Type.INT64, 80, false)));
        assertTrue(bands.getMessage().contains("input 'chunk' is float32 (1, ?, 80), expected float32 (1, ?, 128)"),
                bands.getMessage());
        IOException output = assertThrows(IOException.class,
                () -> SortformerModel.load(variant("o.onnx", Type.INT64, 128, true)));
        assertTrue(output.getMessage().contains("missing output 'chunk_pre_encode_lengths'"), output.getMessage());
    }

    @Test
    void stepsLargerThanThePresetAreRefused() throws IOException {
        try (SortformerModel model = SortformerModel.load(SyntheticSortformer.dynamic(dir.resolve("d.onnx")))) {
            SortformerModel.Step step = model.newStep(SortformerPreset.LOW);
            assertThrows(IllegalArgumentException.class, () -> step.run(113, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> step.run(8, 189, 0));
            assertThrows(IllegalArgumentException.class, () -> step.run(8, 0, 189));
        }
    }
}
