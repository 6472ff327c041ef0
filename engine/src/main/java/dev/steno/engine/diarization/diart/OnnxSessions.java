package dev.steno.engine.diarization.diart;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Opening the diart models' onnxruntime sessions and checking their signatures, with messages a user can act on. */
final class OnnxSessions {
    private OnnxSessions() {
    }

    /**
     * Opens one session for all streams. One intra-op thread: the calls come from many streams at once, and a
     * per-call thread pool would only make them fight.
     *
     * @param what what the file should be, for messages ("pyannote segmentation model")
     * @throws NoSuchFileException when there is no such file
     * @throws IOException         when onnxruntime cannot load it (not ONNX, truncated)
     */
    static OrtSession open(Path file, String what) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " file not found");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(file.toAbsolutePath().toString(), opts);
        } catch (OrtException e) {
            throw new IOException(file + " is not an ONNX model onnxruntime can load (expected a " + what + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * The float tensor {@code name} of {@code nodes} with {@code rank} dimensions.
     *
     * @param role     "input" or "output", for the message
     * @param expected the whole expected signature, for the message
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    static TensorInfo floatTensor(Map<String, NodeInfo> nodes, String name, int rank, String role, String expected) {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no " + role + " '" + name + "' (found " + role + "s "
                    + describe(nodes) + "); expected " + expected);
        }
        if (!(node.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT
                || t.getShape().length != rank) {
            throw new IllegalArgumentException(role + " '" + name + "' is " + describe(node) + "; expected "
                    + expected);
        }
        return t;
    }

    /** Checks that dimension {@code dim} is {@code want} or symbolic. */
    static void requireDim(TensorInfo t, int dim, long want, String role, String name, String expected) {
        long have = t.getShape()[dim];
        if (have >= 0 && have != want) {
            throw new IllegalArgumentException(role + " '" + name + "' has " + shape(t) + "; expected " + expected);
        }
    }

    static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream().map(OnnxSessions::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String describe(NodeInfo node) {
        if (node.getInfo() instanceof TensorInfo t) {
            return node.getName() + " " + t.type.name().toLowerCase() + shape(t);
        }
        return node.getName() + " (not a tensor)";
    }

    private static String shape(TensorInfo t) {
        return Arrays.toString(t.getShape()).replace("-1", "?");
    }

    /** Reads a signature off a freshly opened session. */
    interface SignatureReader<T> {
        T read(OrtSession session) throws OrtException;
    }

    /**
     * Reads the signature of a freshly opened session; when it is wrong, closes the session and says why.
     *
     * @param what what the file should be, for messages ("segmentation model")
     * @throws IOException when {@code reader} throws {@link IllegalArgumentException} (its message says what is
     *                     wrong) or onnxruntime cannot describe the model
     */
    static <T> T checked(OrtSession session, Path file, String what, SignatureReader<T> reader) throws IOException {
        try {
            return reader.read(session);
        } catch (IllegalArgumentException e) {
            closeQuietly(session);
            throw new IOException(file + " is not a usable " + what + ": " + e.getMessage(), e);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new IOException(file + ": cannot read the model's signature: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a one-input, one-output float model on {@code data} (read from position 0, shape {@code shape}).
     *
     * @param what what is being done, for the message of a failure ("segmentation")
     * @return the output's values, row-major
     */
    static float[] run(OrtSession session, String input, FloatBuffer data, long[] shape, String output,
            String what) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, data.duplicate().rewind().limit(Math.toIntExact(size)),
                shape);
                OrtSession.Result out = session.run(Map.of(input, x))) {
            FloatBuffer buf = ((OnnxTensor) out.get(output).orElseThrow()).getFloatBuffer();
            float[] values = new float[buf.remaining()];
            buf.get(values);
            return values;
        } catch (OrtException e) {
            throw new IllegalStateException(what + " failed on input " + Arrays.toString(shape) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The model's custom metadata; empty when it has none. */
    static Map<String, String> metadata(OrtSession session) {
        try {
            return Map.copyOf(session.getMetadata().getCustomMetadata());
        } catch (OrtException e) {
            return Map.of();
        }
    }

    static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            System.getLogger(OnnxSessions.class.getName()).log(System.Logger.Level.DEBUG, "closing session", e);
        }
    }
}
