package dev.steno.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.steno.engine.onnx.OnnxModelBuilder.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelBuilderTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final float[] WEIGHTS = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f};

    private static OrtSession open(byte[] model) throws OrtException {
        return ENV.createSession(model, new OrtSession.SessionOptions());
    }

    private static OnnxModelBuilder matMulSigmoid() {
        return new OnnxModelBuilder("matmul-sigmoid")
                .input("x", Type.FLOAT, 1, "T", 3)
                .initializer("w", WEIGHTS, 3, 2)
                .node("MatMul", List.of("x", "w"), List.of("logits"))
                .node("Sigmoid", List.of("logits"), List.of("probs"))
                .output("probs", Type.FLOAT, 1, "T", 2L)
                .metadata("sample_rate", "16000")
                .metadata("frame_shift", "0.08");
    }

    @Test
    void matMulOfASymbolicLengthInputBySigmoidMatchesJavaForTwoLengths() throws OrtException {
        try (OrtSession session = open(matMulSigmoid().toBytes())) {
            for (int frames : new int[] {2, 5}) {
                float[][][] x = new float[1][frames][3];
                for (int t = 0; t < frames; t++) {
                    for (int c = 0; c < 3; c++) {
                        x[0][t][c] = (t + 1) * 0.3f - c * 0.7f;
                    }
                }
                try (OnnxTensor in = OnnxTensor.createTensor(ENV, x);
                     OrtSession.Result result = session.run(Map.of("x", in))) {
                    float[][][] y = (float[][][]) result.get("probs").orElseThrow().getValue();
                    assertEquals(frames, y[0].length);
                    for (int t = 0; t < frames; t++) {
                        for (int j = 0; j < 2; j++) {
                            double dot = 0;
                            for (int c = 0; c < 3; c++) {
                                dot += x[0][t][c] * WEIGHTS[c * 2 + j];
                            }
                            assertEquals(1 / (1 + Math.exp(-dot)), y[0][t][j], 1e-6, "t=" + t + " j=" + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void declaredShapesNamesAndMetadataReachOnnxruntime(@TempDir Path dir) throws Exception {
        Path file = matMulSigmoid().write(dir.resolve("m.onnx"));
        assertEquals(dir.resolve("m.onnx"), file);
        try (OrtSession session = ENV.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertEquals(Map.of("sample_rate", "16000", "frame_shift", "0.08"),
                    session.getMetadata().getCustomMetadata());
            assertEquals("steno", session.getMetadata().getProducerName());
            assertEquals("matmul-sigmoid", session.getMetadata().getGraphName());
            TensorInfo in = (TensorInfo) session.getInputInfo().get("x").getInfo();
            assertArrayEquals(new long[] {1, -1, 3}, in.getShape());
            assertArrayEquals(new String[] {"", "T", ""}, in.getDimensionNames());
            TensorInfo out = (TensorInfo) session.getOutputInfo().get("probs").getInfo();
            assertArrayEquals(new long[] {1, -1, 2}, out.getShape());
        }
    }

    @Test
    void int64InputsCastAddAndIntAttributesBehave() throws OrtException {
        byte[] model = new OnnxModelBuilder("ints")
                .input("ids", Type.INT64, 2, "N")
                .initializer("offset", new long[] {10}, 1)
                .node("Add", List.of("ids", "offset"), List.of("shifted"))
                .node("Cast", List.of("shifted"), List.of("f"), Map.of("to", 1))
                .node("Transpose", List.of("f"), List.of("ft"), Map.of("perm", new long[] {1, 0}))
                .node("ReduceMean", List.of("f"), List.of("mean"), Map.of("axes", new long[] {1}, "keepdims", 1L))
                .node("Concat", List.of("f", "mean"), List.of("cat"), Map.of("axis", -1))
                .output("shifted", Type.INT64, 2, "N")
                .output("ft", Type.FLOAT, "N", 2)
                .output("cat", Type.FLOAT, 2, "N+1")
                .toBytes();
        long[][] ids = {{1, 2, 6}, {-4, 0, 7}};
        try (OrtSession session = open(model);
             OnnxTensor in = OnnxTensor.createTensor(ENV, ids);
             OrtSession.Result result = session.run(Map.of("ids", in))) {
            assertArrayEquals(new long[][] {{11, 12, 16}, {6, 10, 17}},
                    (long[][]) result.get("shifted").orElseThrow().getValue());
            assertArrayEquals(new float[][] {{11, 6}, {12, 10}, {16, 17}},
                    (float[][]) result.get("ft").orElseThrow().getValue());
            assertArrayEquals(new float[][] {{11, 12, 16, 13}, {6, 10, 17, 11}},
                    (float[][]) result.get("cat").orElseThrow().getValue());
        }
    }

    @Test
    void floatStringAndListAttributesBehave() throws OrtException {
        byte[] model = new OnnxModelBuilder("attrs")
                .input("x", Type.FLOAT, 1, "T")
                .initializer("pads", new long[] {0, 1, 0, 2}, 4)
                .node("Pad", List.of("x", "pads"), List.of("padded"), Map.of("mode", "reflect"))
                .node("LeakyRelu", List.of("padded"), List.of("leaky"), Map.of("alpha", 0.25))
                .node("Constant", List.of(), List.of("tail"), Map.of("value_floats", new float[] {-8f, 0.5f}))
                .node("Constant", List.of(), List.of("shape"), Map.of("value_ints", new long[] {1, 2}))
                .node("Reshape", List.of("tail", "shape"), List.of("tail2d"))
                .node("Concat", List.of("leaky", "tail2d"), List.of("y"), Map.of("axis", 1L))
                .node("Elu", List.of("x"), List.of("elu"), Map.of("alpha", 2f))
                .output("y", Type.FLOAT, 1, "U")
                .output("elu", Type.FLOAT, 1, "T")
                .toBytes();
        float[][] x = {{-4f, 2f, 3f}};
        try (OrtSession session = open(model);
             OnnxTensor in = OnnxTensor.createTensor(ENV, x);
             OrtSession.Result result = session.run(Map.of("x", in))) {
            // Reflect padding (not the default constant zeros) of 1 before and 2 after, then a leak of 0.25.
            assertArrayEquals(new float[][] {{2f, -1f, 2f, 3f, 2f, -1f, -8f, 0.5f}},
                    (float[][]) result.get("y").orElseThrow().getValue());
            float[][] elu = (float[][]) result.get("elu").orElseThrow().getValue();
            assertEquals(2 * (Math.exp(-4) - 1), elu[0][0], 1e-6);
            assertEquals(3f, elu[0][2]);
        }
    }

    @Test
    void staticDimensionsAreEnforcedByOnnxruntime() throws OrtException {
        byte[] model = new OnnxModelBuilder("static")
                .input("chunk", Type.FLOAT, 1, 8, 4)
                .node("Relu", List.of("chunk"), List.of("out"))
                .output("out", Type.FLOAT, 1, 8, 4)
                .toBytes();
        try (OrtSession session = open(model)) {
            try (OnnxTensor right = OnnxTensor.createTensor(ENV, new float[1][8][4]);
                 OrtSession.Result result = session.run(Map.of("chunk", right))) {
                assertEquals(8, ((float[][][]) result.get(0).getValue())[0].length);
            }
            try (OnnxTensor wrong = OnnxTensor.createTensor(ENV, new float[1][7][4])) {
                assertThrows(OrtException.class, () -> session.run(Map.of("chunk", wrong)).close());
            }
        }
    }

    @Test
    void rejectsInitializersThatDoNotFillTheirShapeAndUnknownValueKinds() {
        OnnxModelBuilder builder = new OnnxModelBuilder("bad");
        assertThrows(IllegalArgumentException.class, () -> builder.initializer("w", new float[5], 3, 2));
        assertThrows(IllegalArgumentException.class, () -> builder.initializer("w", new long[7], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> builder.input("x", Type.FLOAT, 1, 2.5));
        assertThrows(IllegalArgumentException.class,
                () -> builder.node("Relu", List.of("x"), List.of("y"), Map.of("bad", new int[] {1})));
    }

    /** Rows of {@code x} times a 64 x 32 matrix (8 KB: goes to the side file) plus a 32-value bias (stays inline). */
    private static final int IN = 64;
    private static final int OUT = 32;

    private static OnnxModelBuilder projection(OnnxModelBuilder b) {
        float[] w = new float[IN * OUT];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.37) * 0.1f;
        }
        float[] bias = new float[OUT];
        for (int j = 0; j < OUT; j++) {
            bias[j] = j * 0.01f - 0.1f;
        }
        return b.input("x", Type.FLOAT, "T", IN)
                .initializer("w", w, IN, OUT)
                .initializer("b", bias, OUT)
                .node("MatMul", List.of("x", "w"), List.of("xw"))
                .node("Add", List.of("xw", "b"), List.of("y"))
                .output("y", Type.FLOAT, "T", OUT);
    }

    private static float[][] run(OrtSession session) throws OrtException {
        float[][] x = new float[3][IN];
        for (int t = 0; t < x.length; t++) {
            for (int c = 0; c < IN; c++) {
                x[t][c] = (float) Math.cos(t * 1.3 + c * 0.2);
            }
        }
        try (OnnxTensor in = OnnxTensor.createTensor(ENV, x);
             OrtSession.Result result = session.run(Map.of("x", in))) {
            return (float[][]) result.get("y").orElseThrow().getValue();
        }
    }

    @Test
    void externalDataModelLoadsFromItsFileAndComputesWhatTheInlineModelComputes(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("p.onnx.data");
        Path model;
        try (OnnxModelBuilder b = OnnxModelBuilder.withExternalData("projection", data)) {
            model = projection(b).write(dir.resolve("p.onnx"));
        }
        // the matrix went to the side file, the small bias stayed in the model
        assertEquals((long) IN * OUT * Float.BYTES, Files.size(data));
        assertTrue(Files.size(model) < IN * OUT * Float.BYTES, "model holds the graph, not the matrix");
        float[][] inline;
        try (OrtSession session = open(projection(new OnnxModelBuilder("projection")).toBytes())) {
            inline = run(session);
        }
        try (OrtSession session = ENV.createSession(model.toString(), new OrtSession.SessionOptions())) {
            float[][] external = run(session);
            assertEquals(3, external.length);
            for (int t = 0; t < external.length; t++) {
                assertArrayEquals(inline[t], external[t], "row " + t);
            }
        }
    }

    @Test
    void externalDataIsFoundBesideTheModelWhereverTheFolderMoves(@TempDir Path dir) throws Exception {
        Path built = Files.createDirectory(dir.resolve("building"));
        try (OnnxModelBuilder b = OnnxModelBuilder.withExternalData("projection", built.resolve("p.onnx.data"))) {
            projection(b).write(built.resolve("p.onnx"));
        }
        Path moved = Files.move(built, dir.resolve("final"));
        float[][] inline;
        try (OrtSession session = open(projection(new OnnxModelBuilder("projection")).toBytes())) {
            inline = run(session);
        }
        try (OrtSession session = ENV.createSession(moved.resolve("p.onnx").toString(),
                new OrtSession.SessionOptions())) {
            assertArrayEquals(inline[2], run(session)[2]);
        }
    }

    @Test
    void externalDataModelHasNoBytesOnlyAFile(@TempDir Path dir) throws Exception {
        try (OnnxModelBuilder b = OnnxModelBuilder.withExternalData("projection", dir.resolve("p.onnx.data"))) {
            projection(b);
            IllegalStateException e = assertThrows(IllegalStateException.class, b::toBytes);
            assertTrue(e.getMessage().contains("written to a file"), e.getMessage());
        }
    }

    @Test
    void externalDataModelMustLieBesideItsData(@TempDir Path dir) throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        try (OnnxModelBuilder b = OnnxModelBuilder.withExternalData("projection", dir.resolve("p.onnx.data"))) {
            projection(b);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.write(elsewhere.resolve("p.onnx")));
            assertTrue(e.getMessage().contains("must lie next to its data"), e.getMessage());
            assertFalse(Files.exists(elsewhere.resolve("p.onnx")));
        }
    }

    @Test
    void tensorWhoseBytesDoNotFillItsShapeIsRefusedAndNotWritten(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("bad.onnx.data");
        try (OnnxModelBuilder b = OnnxModelBuilder.withExternalData("bad", data)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.initializer("w", Type.FLOAT, new byte[4000], 32, 32));
            assertEquals("w: 4000 bytes do not fill FLOAT shape [32, 32]", e.getMessage());
            IllegalArgumentException int8 = assertThrows(IllegalArgumentException.class,
                    () -> b.initializer("q", Type.INT8, new byte[2048], 32, 32));
            assertTrue(int8.getMessage().contains("2048 bytes do not fill INT8 shape [32, 32]"), int8.getMessage());
            b.initializer("ok", Type.INT8, new byte[1024], 32, 32);
        }
        assertEquals(1024, Files.size(data), "only the tensor that fits reached the side file");
    }
}
