package dev.steno.engine.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes ONNX models: the Whisper encoder graph the engine builds from a ggml file, and the synthetic models with real
 * signatures that tests load in place of weights that do not exist on build machines.
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
 * axes as an attribute); {@link #opset} adds other domains ({@code com.microsoft} for onnxruntime's contrib
 * operators). Written by hand, field numbers as in {@code onnx.proto}: the engine needs a few messages, not a
 * protobuf runtime and generated classes.
 *
 * <p><b>Large models.</b> A protobuf message cannot exceed 2 GB, and an f32 large-v3 encoder is 2.5 GB. A builder
 * made with {@link #withExternalData} streams every initializer's bytes to a side file as it is added, and the model
 * refers to them by offset (ONNX's external data): memory holds the graph, not the weights. Load such a model from
 * its file, next to its data file.
 *
 * <p>Not thread-safe; one builder builds one model.
 */
public final class OnnxModelBuilder implements AutoCloseable {
    /** Tensor element types, with their ONNX {@code TensorProto.DataType} codes and sizes. */
    public enum Type {
        /** 32-bit float. */
        FLOAT(1, 4),
        /** Unsigned 8-bit integer. */
        UINT8(2, 1),
        /** Signed 8-bit integer. */
        INT8(3, 1),
        /** 64-bit signed integer. */
        INT64(7, 8),
        /** IEEE binary16. */
        FLOAT16(10, 2);

        private final int code;
        private final int bytes;

        Type(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        /** The {@code TensorProto.DataType} code. */
        public int code() {
            return code;
        }
    }

    private static final int IR_VERSION = 8;
    private static final int OPSET = 17;
    /** Initializers smaller than this stay inline even in external-data mode (shape constants, small vectors). */
    private static final int INLINE_BYTES = 1024;

    // AttributeProto.AttributeType codes.
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_STRING = 3;
    private static final int ATTR_FLOATS = 6;
    private static final int ATTR_INTS = 7;

    private final String graphName;
    private String producer = "steno";
    private final Map<String, Integer> opsets = new LinkedHashMap<>(Map.of("", OPSET));
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final List<byte[]> metadata = new ArrayList<>();
    private final Path dataFile;
    private final FileChannel data;
    private long dataBytes;

    /** Starts an empty graph of the given name (default domain, opset 17), initializers inline. */
    public OnnxModelBuilder(String graphName) {
        this(graphName, null, null);
    }

    private OnnxModelBuilder(String graphName, Path dataFile, FileChannel data) {
        this.graphName = Objects.requireNonNull(graphName, "graphName");
        this.dataFile = dataFile;
        this.data = data;
    }

    /**
     * Starts an empty graph whose initializers (but tiny ones) go to {@code dataFile}, replaced, as they are added;
     * the model must then be {@link #write written} into the same folder. {@link #close} the builder if it is
     * abandoned.
     */
    public static OnnxModelBuilder withExternalData(String graphName, Path dataFile) throws IOException {
        FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new OnnxModelBuilder(graphName, dataFile, channel);
    }

    /** Sets the producer name the model declares (default {@code steno}). */
    public OnnxModelBuilder producer(String name) {
        this.producer = Objects.requireNonNull(name, "name");
        return this;
    }

    /** Imports operator set {@code version} of {@code domain} ({@code ""} is the default domain). */
    public OnnxModelBuilder opset(String domain, int version) {
        opsets.put(Objects.requireNonNull(domain, "domain"), version);
        return this;
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
        return initializer(name, Type.FLOAT, littleEndian(values), shape);
    }

    /** Adds a constant int64 tensor, row-major, of the given shape. */
    public OnnxModelBuilder initializer(String name, long[] values, long... shape) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(name, Type.INT64, raw.array(), shape);
    }

    /** Adds a constant int8 tensor, row-major, of the given shape. */
    public OnnxModelBuilder initializer(String name, byte[] values, long... shape) {
        return initializer(name, Type.INT8, values, shape);
    }

    /**
     * Adds a constant tensor from its little-endian bytes, row-major.
     *
     * @throws IllegalArgumentException if the bytes do not fill the shape
     * @throws UncheckedIOException if the external data file cannot be written
     */
    public OnnxModelBuilder initializer(String name, Type type, byte[] raw, long... shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size * type.bytes != raw.length) {
            throw new IllegalArgumentException(name + ": " + raw.length + " bytes do not fill " + type + " shape "
                    + Arrays.toString(shape));
        }
        Proto t = new Proto().packedVarints(1, shape).varint(2, type.code).string(8, name);
        if (data == null || raw.length < INLINE_BYTES) {
            t.bytes(9, raw);
        } else {
            long offset = dataBytes;
            try {
                ByteBuffer buf = ByteBuffer.wrap(raw);
                while (buf.hasRemaining()) {
                    data.write(buf, dataBytes + buf.position());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + dataFile + ": " + e.getMessage(), e);
            }
            dataBytes += raw.length;
            t.message(13, entry("location", dataFile.getFileName().toString()));
            t.message(13, entry("offset", Long.toString(offset)));
            t.message(13, entry("length", Long.toString(raw.length)));
            t.varint(14, 1); // data_location = EXTERNAL
        }
        initializers.add(t.bytes());
        return this;
    }

    /** Adds a node of the default domain with no attributes. */
    public OnnxModelBuilder node(String opType, List<String> inputs, List<String> outputs) {
        return node(opType, inputs, outputs, Map.of());
    }

    /** Adds a node of the default domain; attributes as for {@link #node(String, String, List, List, Map)}. */
    public OnnxModelBuilder node(String opType, List<String> inputs, List<String> outputs,
                                 Map<String, Object> attributes) {
        return node("", opType, inputs, outputs, attributes);
    }

    /**
     * Adds a node. An empty input name marks an omitted optional input.
     *
     * @param domain     the operator's domain, {@code ""} for ONNX's own ({@link #opset} imports others)
     * @param attributes values: {@link Long} or {@link Integer} (INT), {@link Float} or {@link Double} (FLOAT),
     *                   {@link String} (STRING), {@code long[]} (INTS), {@code float[]} (FLOATS)
     */
    public OnnxModelBuilder node(String domain, String opType, List<String> inputs, List<String> outputs,
                                 Map<String, Object> attributes) {
        if (!opsets.containsKey(domain)) {
            throw new IllegalArgumentException("domain '" + domain + "' of " + opType + " is not imported");
        }
        Proto node = new Proto();
        inputs.forEach(in -> node.string(1, in));
        outputs.forEach(out -> node.string(2, out));
        node.string(3, opType + "_" + nodes.size());
        node.string(4, opType);
        attributes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> node.message(5, attribute(e.getKey(), e.getValue())));
        if (!domain.isEmpty()) {
            node.string(7, domain);
        }
        nodes.add(node.bytes());
        return this;
    }

    /** Adds a metadata entry (onnxruntime shows it as custom metadata). */
    public OnnxModelBuilder metadata(String key, String value) {
        metadata.add(entry(key, value));
        return this;
    }

    /**
     * The serialised {@code ModelProto}.
     *
     * @throws IllegalStateException for a builder with external data, which must be {@link #write written}
     */
    public byte[] toBytes() {
        if (data != null) {
            throw new IllegalStateException("a model with external data is written to a file, next to its data");
        }
        return model();
    }

    private byte[] model() {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));

        Proto model = new Proto();
        model.varint(1, IR_VERSION);
        model.string(2, producer);
        model.message(7, graph.bytes());
        opsets.forEach((domain, version) -> model.message(8, new Proto().string(1, domain).varint(2, version).bytes()));
        metadata.forEach(m -> model.message(14, m));
        return model.bytes();
    }

    /**
     * Writes the model to {@code file} (replacing it) and returns the file. With external data, the file must lie in
     * the data file's folder, and the data file is closed.
     */
    public Path write(Path file) throws IOException {
        if (data != null) {
            Path folder = file.toAbsolutePath().getParent();
            if (!folder.equals(dataFile.toAbsolutePath().getParent())) {
                throw new IllegalArgumentException("model " + file + " must lie next to its data " + dataFile);
            }
            data.force(false);
            data.close();
        }
        return Files.write(file, model());
    }

    /** Closes the external data file, if any (after {@link #write} it is already closed). */
    @Override
    public void close() throws IOException {
        if (data != null) {
            data.close();
        }
    }

    private static byte[] entry(String key, String value) {
        return new Proto().string(1, key).string(2, value).bytes();
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
