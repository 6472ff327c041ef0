package dev.steno.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes small ONNX models for tests: synthetic graphs with the real input and output signatures of the models the
 * engine loads (Sortformer, pyannote segmentation, speaker embeddings), since no real weights exist on the build
 * machines. The models run in onnxruntime like the real ones, so loaders, signature checks and the tensor plumbing
 * around a session are tested end to end.
 *
 * <pre>{@code
 * byte[] onnx = new OnnxModelBuilder("probe")
 *         .input("x", OnnxModelBuilder.Type.FLOAT, 1, "T", 3)
 *         .initializer("w", new float[6], 3, 2)
 *         .node("MatMul", List.of("x", "w"), List.of("y"))
 *         .output("y", OnnxModelBuilder.Type.FLOAT, 1, "T", 2)
 *         .metadata("sample_rate", "16000")
 *         .toBytes();
 * }</pre>
 *
 * <p>The model is IR version 8 with the default-domain opset 17 (so, for example, {@code ReduceMean} still takes its
 * axes as an attribute). The protobuf encoding is written by hand, field numbers as in {@code onnx.proto}, to keep
 * the test jar free of a protobuf dependency. Not thread-safe; one builder builds one model.
 */
public final class OnnxModelBuilder {
    /** Tensor element types, with their ONNX {@code TensorProto.DataType} codes. */
    public enum Type {
        /** 32-bit float. */
        FLOAT(1),
        /** 64-bit signed integer. */
        INT64(7);

        private final int code;

        Type(int code) {
            this.code = code;
        }
    }

    private static final int IR_VERSION = 8;
    private static final int OPSET = 17;

    // AttributeProto.AttributeType codes.
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_STRING = 3;
    private static final int ATTR_FLOATS = 6;
    private static final int ATTR_INTS = 7;

    private final String graphName;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final List<byte[]> metadata = new ArrayList<>();

    /** Starts an empty graph of the given name (default domain, opset 17). */
    public OnnxModelBuilder(String graphName) {
        this.graphName = Objects.requireNonNull(graphName, "graphName");
    }

    /**
     * Declares a graph input.
     *
     * @param dims each an {@link Integer} or {@link Long} (a fixed size) or a {@link String} (a symbolic size)
     */
    public OnnxModelBuilder input(String name, Type type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
        return this;
    }

    /** Declares a graph output; dims as for {@link #input}. */
    public OnnxModelBuilder output(String name, Type type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
        return this;
    }

    /** Adds a constant float tensor, row-major, of the given shape. */
    public OnnxModelBuilder initializer(String name, float[] values, long... shape) {
        initializers.add(tensor(name, Type.FLOAT, values.length, littleEndian(values), shape));
        return this;
    }

    /** Adds a constant int64 tensor, row-major, of the given shape. */
    public OnnxModelBuilder initializer(String name, long[] values, long... shape) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(name, Type.INT64, values.length, raw.array(), shape));
        return this;
    }

    /** Adds a node of the default domain with no attributes. */
    public OnnxModelBuilder node(String opType, List<String> inputs, List<String> outputs) {
        return node(opType, inputs, outputs, Map.of());
    }

    /**
     * Adds a node of the default domain.
     *
     * @param attributes values: {@link Long} or {@link Integer} (INT), {@link Float} or {@link Double} (FLOAT),
     *                   {@link String} (STRING), {@code long[]} (INTS), {@code float[]} (FLOATS)
     */
    public OnnxModelBuilder node(String opType, List<String> inputs, List<String> outputs,
                                 Map<String, Object> attributes) {
        Proto node = new Proto();
        inputs.forEach(in -> node.string(1, in));
        outputs.forEach(out -> node.string(2, out));
        node.string(3, opType + "_" + nodes.size());
        node.string(4, opType);
        attributes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> node.message(5, attribute(e.getKey(), e.getValue())));
        nodes.add(node.bytes());
        return this;
    }

    /** Adds a metadata entry (onnxruntime shows it as custom metadata). */
    public OnnxModelBuilder metadata(String key, String value) {
        metadata.add(new Proto().string(1, key).string(2, value).bytes());
        return this;
    }

    /** The serialised {@code ModelProto}. */
    public byte[] toBytes() {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));

        Proto model = new Proto();
        model.varint(1, IR_VERSION);
        model.string(2, "steno-tests");
        model.message(7, graph.bytes());
        model.message(8, new Proto().string(1, "").varint(2, OPSET).bytes());
        metadata.forEach(m -> model.message(14, m));
        return model.bytes();
    }

    /** Writes the model to {@code file} (replacing it) and returns the file. */
    public Path write(Path file) throws IOException {
        return Files.write(file, toBytes());
    }

    private static byte[] valueInfo(String name, Type type, Object... dims) {
        Proto shape = new Proto();
        for (Object dim : dims) {
            Proto d = new Proto();
            switch (dim) {
                case Integer i -> d.varint(1, i);
                case Long l -> d.varint(1, l);
                case String s -> d.string(2, s);
                case null, default -> throw new IllegalArgumentException(
                        "dimension of " + name + " must be Integer, Long or String: " + dim);
            }
            shape.message(1, d.bytes());
        }
        Proto tensorType = new Proto().varint(1, type.code).message(2, shape.bytes());
        Proto typeProto = new Proto().message(1, tensorType.bytes());
        return new Proto().string(1, name).message(2, typeProto.bytes()).bytes();
    }

    private static byte[] tensor(String name, Type type, int count, byte[] raw, long... shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size != count) {
            throw new IllegalArgumentException(name + ": " + count + " values do not fill shape " + Arrays.toString(shape));
        }
        return new Proto().packedVarints(1, shape).varint(2, type.code).string(8, name).bytes(9, raw).bytes();
    }

    private static byte[] attribute(String name, Object value) {
        Proto a = new Proto().string(1, name);
        switch (value) {
            case Integer i -> a.varint(3, i).varint(20, ATTR_INT);
            case Long l -> a.varint(3, l).varint(20, ATTR_INT);
            case Float f -> a.fixed32(2, f).varint(20, ATTR_FLOAT);
            case Double d -> a.fixed32(2, d.floatValue()).varint(20, ATTR_FLOAT);
            case String s -> a.string(4, s).varint(20, ATTR_STRING);
            case long[] ints -> a.packedVarints(8, ints).varint(20, ATTR_INTS);
            case float[] floats -> a.packedFloats(7, floats).varint(20, ATTR_FLOATS);
            case null, default -> throw new IllegalArgumentException("attribute " + name
                    + " must be Long, Integer, Float, Double, String, long[] or float[]: " + value);
        }
        return a.bytes();
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return raw.array();
    }

    /**
     * The few protobuf wire-format writes a model needs: varints (wire type 0), little-endian 32-bit (5) and
     * length-delimited fields (2), including packed repeated scalars (which every protobuf parser accepts, proto2
     * fields included).
     */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            rawVarint(value);
            return this;
        }

        Proto fixed32(int field, float value) {
            tag(field, 5);
            int bits = Float.floatToRawIntBits(value);
            for (int shift = 0; shift < 32; shift += 8) {
                out.write(bits >>> shift);
            }
            return this;
        }

        Proto bytes(int field, byte[] value) {
            tag(field, 2);
            rawVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, byte[] encoded) {
            return bytes(field, encoded);
        }

        Proto packedVarints(int field, long[] values) {
            Proto packed = new Proto();
            for (long v : values) {
                packed.rawVarint(v);
            }
            return bytes(field, packed.bytes());
        }

        Proto packedFloats(int field, float[] values) {
            return bytes(field, littleEndian(values));
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            rawVarint(((long) field << 3) | wireType);
        }

        // Negative values take ten bytes (two's complement as an unsigned 64-bit number), as protobuf writes int64.
        private void rawVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
