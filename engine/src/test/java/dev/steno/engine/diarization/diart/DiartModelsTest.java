package dev.steno.engine.diarization.diart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.diart.SyntheticDiart.Turn;
import dev.steno.engine.onnx.OnnxModelBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiartModelsTest {
    @TempDir
    Path dir;

    private static FloatBuffer direct(float[] samples, int length) {
        FloatBuffer b = ByteBuffer.allocateDirect(length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(samples, 0, Math.min(samples.length, length));
        return b;
    }

    @Test
    void segmentationModelReadsItsSignatureAndMetadataAndFindsTheVoices() throws IOException {
        try (SegmentationModel m = SegmentationModel.load(SyntheticDiart.segmentation(dir.resolve("seg.onnx")))) {
            assertEquals(160000, m.inputSamples());
            assertEquals(PowersetDecoding.of(3, 2), m.decoding());
            assertEquals(FrameTiming.PYANNOTE_3, m.timing());
            // 0-2 s low voice, 2-3 s silence, 3-5 s high voice, then zero padding
            float[] audio = SyntheticDiart.render(new Turn(SyntheticDiart.LOW, 2), new Turn(null, 1),
                    new Turn(SyntheticDiart.HIGH, 2));
            float[] y = m.run(direct(audio, 160000), 160000);
            assertEquals(589 * 7, y.length);
            float[] act = new float[589 * 3];
            m.decoding().hard(y, 589, act);
            FrameTiming t = m.timing();
            assertArrayEquals(new float[] {1, 0, 0}, row(act, (int) Math.round(t.frameAt(16000))));
            assertArrayEquals(new float[] {0, 0, 0}, row(act, (int) Math.round(t.frameAt(40000))));
            assertArrayEquals(new float[] {0, 1, 0}, row(act, (int) Math.round(t.frameAt(64000))));
            assertArrayEquals(new float[] {0, 0, 0}, row(act, (int) Math.round(t.frameAt(120000))));
        }
    }

    private static float[] row(float[] act, int f) {
        return new float[] {act[f * 3], act[f * 3 + 1], act[f * 3 + 2]};
    }

    @Test
    void embeddingModelIsRecognisedAsWeSpeakerOrThreeDSpeakerByItsNames() throws IOException {
        try (EmbeddingModel m = EmbeddingModel.load(SyntheticDiart.embedding(dir.resolve("emb.onnx")))) {
            assertEquals(EmbeddingModel.Flavour.WESPEAKER, m.flavour());
            assertEquals(32768f, m.sampleScale());
            assertEquals(SyntheticDiart.DIMENSION, m.dimension());
        }
        Path threeD = SyntheticDiart.embeddingBuilder("x", "embedding").write(dir.resolve("3d.onnx"));
        try (EmbeddingModel m = EmbeddingModel.load(threeD)) {
            assertEquals(EmbeddingModel.Flavour.THREE_D_SPEAKER, m.flavour());
            assertEquals(1f, m.sampleScale());
        }
    }

    @Test
    void overlapAwareEmbeddingsSeparateTheVoicesAndSkipSilentSpeakers() throws IOException {
        try (EmbeddingModel m = EmbeddingModel.load(SyntheticDiart.embedding(dir.resolve("emb.onnx")))) {
            OverlapAwareEmbedder embedder = new OverlapAwareEmbedder(m, 3, 10, 80000, 293, 3);
            float[] low = SyntheticDiart.render(new Turn(SyntheticDiart.LOW, 5));
            float[] high = SyntheticDiart.render(new Turn(SyntheticDiart.HIGH, 5));
            float[] mixed = SyntheticDiart.render(new Turn(SyntheticDiart.LOW, 2.5), new Turn(SyntheticDiart.HIGH,
                    2.5));
            FrameTiming t = FrameTiming.PYANNOTE_3;
            float[] onlyFirst = new float[293 * 3];
            float[] halves = new float[293 * 3];
            for (int f = 0; f < 293; f++) {
                onlyFirst[f * 3] = 1;
                halves[f * 3 + (t.centre(f) < 40000 ? 0 : 1)] = 1;
            }
            boolean[] all = {true, true, true};
            float[] eLow = embedder.embed(low, 0, 80000, onlyFirst, 293, 3, t, all)[0];
            float[] eHigh = embedder.embed(high, 0, 80000, onlyFirst, 293, 3, t, all)[0];
            float[][] split = embedder.embed(mixed, 0, 80000, halves, 293, 3, t, all);
            assertNotNull(eLow);
            assertEquals(1, norm(eLow), 1e-5);
            assertTrue(OnlineClustering.cosineDistance(eLow, eHigh) > 1.0,
                    "distance " + OnlineClustering.cosineDistance(eLow, eHigh));
            // each half of the mixed window is embedded from its own frames only
            assertTrue(OnlineClustering.cosineDistance(split[0], eLow) < 0.1);
            assertTrue(OnlineClustering.cosineDistance(split[1], eHigh) < 0.1);
            assertNull(split[2], "a local speaker with no speech gets no embedding");
        }
    }

    private static double norm(float[] e) {
        double s = 0;
        for (float v : e) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @Test
    void overlappedSpeechPenaltyFollowsDiart() {
        float[] act = {1, 0, 0, 1, 1, 0, 0.6f, 0, 0};
        float[] w = new float[9];
        OverlapAwareEmbedder.weights(act, 3, 3, 3, 10, new float[3], w);
        double alone = Math.pow(Math.exp(10) / (Math.exp(10) + 2), 3);
        assertEquals(alone, w[0], 1e-6);
        assertEquals(1e-8, w[1], 1e-12);
        assertEquals(Math.pow(Math.exp(10) / (2 * Math.exp(10) + 1), 3), w[3], 1e-6);
        assertEquals(Math.pow(0.6 * Math.exp(6) / (Math.exp(6) + 2), 3), w[6], 1e-6);
        assertTrue(w[3] < OverlapAwareEmbedder.CLEAN && w[6] >= OverlapAwareEmbedder.CLEAN);
    }

    @Test
    void aWrongSignatureIsRejectedNamingWhatIsMissingAndWhatWasExpected() throws IOException {
        Path wrongInput = SyntheticDiart.segmentationBuilder("audio", "y").write(dir.resolve("a.onnx"));
        IOException e = assertThrows(IOException.class, () -> SegmentationModel.load(wrongInput));
        assertTrue(e.getMessage().contains("no input 'x'") && e.getMessage().contains("audio")
                && e.getMessage().contains("(N, 1, samples)"), e.getMessage());

        Path wrongOutput = SyntheticDiart.segmentationBuilder("x", "scores").write(dir.resolve("b.onnx"));
        e = assertThrows(IOException.class, () -> SegmentationModel.load(wrongOutput));
        assertTrue(e.getMessage().contains("no output 'y'") && e.getMessage().contains("scores"), e.getMessage());

        Path sevenClassesExpected = new OnnxModelBuilder("four")
                .input("x", OnnxModelBuilder.Type.FLOAT, "N", 1, 160000)
                .node("Reshape", List.of("x", "shape"), List.of("y"))
                .initializer("shape", new long[] {1, 40000, 4}, 3)
                .output("y", OnnxModelBuilder.Type.FLOAT, 1, 40000, 4)
                .write(dir.resolve("c.onnx"));
        e = assertThrows(IOException.class, () -> SegmentationModel.load(sevenClassesExpected));
        assertTrue(e.getMessage().contains("output 'y'") && e.getMessage().contains("7"), e.getMessage());

        e = assertThrows(IOException.class, () -> EmbeddingModel.load(wrongInput));
        assertTrue(e.getMessage().contains("no input 'feats' or 'x'") && e.getMessage().contains("WeSpeaker"),
                e.getMessage());
        Path noEmbs = SyntheticDiart.embeddingBuilder("feats", "embedding").write(dir.resolve("d.onnx"));
        e = assertThrows(IOException.class, () -> EmbeddingModel.load(noEmbs));
        assertTrue(e.getMessage().contains("no output 'embs'"), e.getMessage());
        // a segmentation model is not an embedding model: its 'x' is (N, 1, 160000), not (B, T, 80)
        Path segAsEmb = SyntheticDiart.segmentation(dir.resolve("e.onnx"));
        e = assertThrows(IOException.class, () -> EmbeddingModel.load(segAsEmb));
        assertTrue(e.getMessage().contains("input 'x'") && e.getMessage().contains("80"), e.getMessage());
    }

    @Test
    void aFileThatIsNotOnnxOrMissingIsRejectedClearly() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not a model\n");
        IOException e = assertThrows(IOException.class, () -> SegmentationModel.load(text));
        assertTrue(e.getMessage().contains("is not an ONNX model") && e.getMessage().contains("segmentation"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> EmbeddingModel.load(text));
        assertTrue(e.getMessage().contains("is not an ONNX model") && e.getMessage().contains("embedding"),
                e.getMessage());
        assertThrows(NoSuchFileException.class, () -> SegmentationModel.load(dir.resolve("absent.onnx")));
    }

    @Test
    void anInputSizeBeyondIntIsRefusedAsDamageNotThrownAsOverflow() throws IOException {
        Path hugeInput = new OnnxModelBuilder("huge-input")
                .input("x", OnnxModelBuilder.Type.FLOAT, "N", 1, 3_000_000_000L)
                .initializer("w", new float[7], 1, 7)
                .node("Transpose", List.of("x"), List.of("t"), Map.of("perm", new long[] {0, 2, 1}))
                .node("MatMul", List.of("t", "w"), List.of("y"))
                .output("y", OnnxModelBuilder.Type.FLOAT, "N", "F", 7)
                .write(dir.resolve("huge-input.onnx"));
        IOException e = assertThrows(IOException.class, () -> SegmentationModel.load(hugeInput));
        assertTrue(e.getMessage().contains("input 'x' declares a size of 3000000000"), e.getMessage());
    }
}
